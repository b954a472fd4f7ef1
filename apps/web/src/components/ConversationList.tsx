import { memo } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { navigate } from '../hooks/useRoute.ts';
import { useNow } from '../hooks/useNow.ts';
import { previewOf, withPresence } from '../lib/conversations.ts';
import { CONVERSATIONS_INPUT } from '../lib/engine.ts';
import { formatListTime } from '../lib/format.ts';
import type { Conversation } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { isTyping } from '../lib/typing.ts';
import { Avatar } from './Avatar.tsx';
import { Suggestions } from './People.tsx';

export function ConversationList({ activePeerId }: { activePeerId: string | null }) {
  const { data, isPending, isError, error } = trpc.chat.conversations.useQuery(CONVERSATIONS_INPUT);
  const now = useNow();
  if (isPending) {
    return (
      <ul aria-hidden="true" className="space-y-1 px-1">
        {[0, 1, 2].map((i) => (
          <li key={i} className="flex animate-pulse items-center gap-3 px-2 py-2.5">
            <span className="size-11 rounded-full bg-slate-200 dark:bg-slate-800" />
            <span className="flex-1 space-y-2">
              <span className="block h-3 w-1/2 rounded bg-slate-200 dark:bg-slate-800" />
              <span className="block h-3 w-3/4 rounded bg-slate-100 dark:bg-slate-800/60" />
            </span>
          </li>
        ))}
      </ul>
    );
  }
  if (isError)
    return <p className="px-3 py-6 text-center text-sm text-rose-600">{error.message}</p>;
  if (data.items.length === 0) {
    return (
      <div data-testid="no-conversations">
        <p className="px-3 py-6 text-center text-sm text-slate-500 dark:text-slate-400">
          No conversations yet. Search for someone to say hello.
        </p>
        <Suggestions />
      </div>
    );
  }
  return (
    <ul className="space-y-0.5" data-testid="conversation-list">
      {data.items.map((c) => (
        <ConversationItem
          key={c.id}
          conversation={c}
          active={c.peer.id === activePeerId}
          now={now}
        />
      ))}
    </ul>
  );
}

const ConversationItem = memo(function ConversationItem({
  conversation: c,
  active,
  now,
}: {
  conversation: Conversation;
  active: boolean;
  now: Date;
}) {
  const { engine } = useChat();
  const presence = useStore(engine.presence);
  const typing = useStore(engine.typing, (t) => isTyping(t, c.peer.id, Date.now()));
  const peer = withPresence(c.peer, presence);
  const unread = c.unreadCount;
  return (
    <li>
      <a
        href={`/c/${encodeURIComponent(c.peer.id)}`}
        data-testid="conversation-item"
        data-username={c.peer.username}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          navigate({ name: 'chat', peerId: c.peer.id });
        }}
        className={`flex items-center gap-3 rounded-xl px-3 py-2.5 transition ${
          active
            ? 'bg-indigo-50 dark:bg-indigo-950/60'
            : 'hover:bg-slate-100 dark:hover:bg-slate-800/70'
        }`}
      >
        <Avatar user={peer} online={peer.online} />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className={`truncate ${unread ? 'font-semibold' : 'font-medium'}`}>
              {peer.displayName}
            </span>
            {c.lastMessageAt ? (
              <time
                dateTime={new Date(c.lastMessageAt).toISOString()}
                className={`shrink-0 text-xs ${unread ? 'font-medium text-indigo-600 dark:text-indigo-400' : 'text-slate-500 dark:text-slate-400'}`}
              >
                {formatListTime(new Date(c.lastMessageAt), now)}
              </time>
            ) : null}
          </span>
          <span className="mt-0.5 flex items-center justify-between gap-2">
            <span
              className={`truncate text-sm ${
                typing
                  ? 'text-indigo-600 italic dark:text-indigo-400'
                  : unread
                    ? 'text-slate-800 dark:text-slate-200'
                    : 'text-slate-500 dark:text-slate-400'
              }`}
              data-testid="conversation-preview"
            >
              {typing ? 'typing…' : previewOf(c.lastMessage, engine.me)}
            </span>
            {unread > 0 ? (
              <span
                data-testid="unread-badge"
                aria-label={`${unread} unread`}
                className="inline-flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white"
              >
                {unread > 99 ? '99+' : unread}
              </span>
            ) : null}
          </span>
        </span>
      </a>
    </li>
  );
});
