import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { auth } from '../auth/session.ts';
import { errorInfo } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { createDrafts } from '../messages/drafts.ts';
import { createSessionClient } from '../realtime/client.ts';
import { createEngine } from '../realtime/engine.ts';
import { ChatContext, type ChatContextValue } from './session-context.ts';
import { Shell } from './Shell.tsx';
import { toast } from './toast.ts';

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => {
          const code = errorInfo(error).code;
          if (code && code !== 'INTERNAL_SERVER_ERROR' && code !== 'TOO_MANY_REQUESTS')
            return false;
          return count < 3;
        },
      },
      mutations: { retry: false },
    },
  });
}

function open(userId: string) {
  const storage = typeof localStorage === 'undefined' ? null : localStorage;
  const queryClient = createQueryClient();
  const { client, wsClient, fallback } = createSessionClient(auth, () => {
    auth.signOut({ text: 'You were signed out on this device.', tone: 'info' });
  });
  const engine = createEngine({
    me: userId,
    auth,
    client,
    wsClient,
    fallback,
    queryClient,
    storage,
    toast,
  });
  const value: ChatContextValue = {
    engine,
    drafts: createDrafts(storage, `parley.drafts.${userId}`),
  };
  return {
    client,
    queryClient,
    value,
    dispose() {
      engine.stop();
      queryClient.clear();
      void wsClient.close();
    },
  };
}

/**
 * Everything that exists only while signed in: the socket, the event stream, the outbox and
 * the query cache (a new one per person, so nobody sees the previous person's data).
 */
export default function SignedIn({ userId }: { userId: string }) {
  const [session, setSession] = useState<ReturnType<typeof open> | null>(null);

  useEffect(() => {
    const s = open(userId);
    s.value.engine.start();
    setSession(s);
    return () => s.dispose();
  }, [userId]);

  if (!session) return null;
  return (
    <trpc.Provider client={session.client} queryClient={session.queryClient}>
      <QueryClientProvider client={session.queryClient}>
        <ChatContext.Provider value={session.value}>
          <Shell />
        </ChatContext.Provider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
