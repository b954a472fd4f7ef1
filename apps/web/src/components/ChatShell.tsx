import { useEffect } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { useRoute } from '../hooks/useRoute.ts';
import { CONVERSATIONS_INPUT } from '../lib/engine.ts';
import { unreadTotal } from '../lib/timeline.ts';
import { trpc } from '../lib/trpc.ts';
import { ConversationView } from './ConversationView.tsx';
import { ChatIcon } from './icons.tsx';
import { ProfilePanel } from './ProfilePanel.tsx';
import { Sidebar } from './Sidebar.tsx';

/**
 * Sidebar and main pane side by side on wide screens; on a phone, one at a time: the list, or
 * the open conversation (with a back button; the browser's back works too).
 */
export function ChatShell() {
  const route = useRoute();
  const { engine } = useChat();
  const conversations = trpc.chat.conversations.useQuery(CONVERSATIONS_INPUT);
  const total = unreadTotal(conversations.data?.items ?? []);

  useEffect(() => {
    document.title = total > 0 ? `(${total}) Parley` : 'Parley';
  }, [total]);

  useEffect(() => {
    engine.openPeer.set(route.name === 'chat' ? route.peerId : null);
  }, [engine, route]);

  const listScreen = route.name === 'home';
  return (
    <div className="flex h-dvh overflow-hidden bg-white dark:bg-slate-950">
      <aside
        className={`${listScreen ? 'flex' : 'hidden md:flex'} w-full min-w-0 flex-col border-slate-200 md:w-80 md:border-r lg:w-96 dark:border-slate-800`}
        aria-label="Conversations"
      >
        <Sidebar />
      </aside>
      <main className={`${listScreen ? 'hidden md:flex' : 'flex'} min-w-0 flex-1 flex-col`}>
        {route.name === 'chat' ? (
          <ConversationView key={route.peerId} peerId={route.peerId} />
        ) : route.name === 'profile' ? (
          <ProfilePanel />
        ) : (
          <div className="flex flex-1 flex-col items-center justify-center gap-3 bg-slate-50 p-8 text-center dark:bg-slate-900/40">
            <span className="inline-flex size-14 items-center justify-center rounded-2xl bg-indigo-100 text-indigo-600 dark:bg-indigo-950 dark:text-indigo-300">
              <ChatIcon className="size-7" />
            </span>
            <h2 className="text-lg font-semibold">Pick a conversation</h2>
            <p className="max-w-xs text-sm text-slate-500 dark:text-slate-400">
              Choose someone on the left, or search for a person to start a new conversation.
            </p>
          </div>
        )}
      </main>
    </div>
  );
}
