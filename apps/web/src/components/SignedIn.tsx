import { useEffect, useState } from 'react';
import { ChatContext, type ChatContextValue } from '../hooks/useEngine.ts';
import { createSessionClient } from '../lib/client.ts';
import { createDrafts } from '../lib/drafts.ts';
import { createEngine } from '../lib/engine.ts';
import { auth, queryClient } from '../lib/session.ts';
import { createStore } from '../lib/store.ts';
import { toast } from '../lib/toast.ts';
import { trpc } from '../lib/trpc.ts';
import { ChatShell } from './ChatShell.tsx';

function open(userId: string): ChatContextValue & {
  dispose(): void;
  client: ReturnType<typeof createSessionClient>['client'];
} {
  const storage = typeof localStorage === 'undefined' ? null : localStorage;
  const { client, wsClient } = createSessionClient(auth, () => {
    auth.signOut('You were signed out on this device.');
  });
  const engine = createEngine({ me: userId, auth, client, wsClient, queryClient, storage, toast });
  return {
    client,
    engine,
    drafts: createDrafts(storage, `parley.drafts.${userId}`),
    people: createStore({}),
    dispose() {
      engine.stop();
      void wsClient.close();
    },
  };
}

/** Everything that exists only while signed in: the socket, the event stream, the outbox. */
export function SignedIn({ userId }: { userId: string }) {
  const [session, setSession] = useState<ReturnType<typeof open> | null>(null);

  useEffect(() => {
    const s = open(userId);
    s.engine.start();
    setSession(s);
    return () => s.dispose();
  }, [userId]);

  if (!session) return null;
  return (
    <trpc.Provider client={session.client} queryClient={queryClient}>
      <ChatContext.Provider value={session}>
        <ChatShell />
      </ChatContext.Provider>
    </trpc.Provider>
  );
}
