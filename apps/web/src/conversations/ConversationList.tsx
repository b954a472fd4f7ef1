import { memo, useState } from 'react';
import { navigate } from '../app/navigation.ts';
import { useChat } from '../app/session-context.ts';
import { formatListTime } from '../lib/format.ts';
import type { Conversation } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { useNow } from '../lib/useNow.ts';
import { isFor } from '../messages/outbox.ts';
import { useNames, usePresence, useTypingIn } from '../realtime/hooks.ts';
import { describeTyping } from '../realtime/typing.ts';
import { Suggestions } from '../search/Suggestions.tsx';
import { Avatar } from '../ui/Avatar.tsx';
import { ArchiveIcon, BackIcon, BellOffIcon, MoreIcon, PinIcon } from '../ui/icons.tsx';
import { onListKeyDown } from '../ui/list-navigation.ts';
import { Menu } from '../ui/Menu.tsx';
import { isMutedNow, showsUnreadDot, splitArchived } from './organise.ts';
import { conversationFace, previewOf } from './preview.ts';
import { useConversations } from './useConversations.ts';
import { organiseItems, useOrganise } from './useOrganise.ts';

export function ConversationList({ activeId }: { activeId: string | null }) {
  const { query, items } = useConversations();
  const now = useNow();
  const [showArchived, setShowArchived] = useState(false);
  if (query.isPending) {
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
  if (query.isError)
    return <p className="px-3 py-6 text-center text-sm text-rose-700">{query.error.message}</p>;
  if (items.length === 0) {
    return (
      <div data-testid="no-conversations">
        <p className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400">
          No conversations yet. Search for someone to say hello, or start a group.
        </p>
        <Suggestions />
      </div>
    );
  }
  const { inbox, archived } = splitArchived(items, now);
  const shown = showArchived ? archived : inbox;
  return (
    <>
      {showArchived ? (
        <button
          type="button"
          onClick={() => setShowArchived(false)}
          data-testid="archived-back"
          className="mx-1 mb-1 flex w-[calc(100%-0.5rem)] items-center gap-3 rounded-xl px-3 py-2 text-left font-semibold hover:bg-slate-100 dark:hover:bg-slate-800/70"
        >
          <BackIcon />
          <h2>Archived</h2>
        </button>
      ) : (
        <h2 className="sr-only">Conversations</h2>
      )}
      <ul className="space-y-0.5 p-1" data-testid="conversation-list" onKeyDown={onListKeyDown}>
        {shown.map((c) => (
          <ConversationItem key={c.id} conversation={c} active={c.id === activeId} now={now} />
        ))}
      </ul>
      {showArchived && archived.length === 0 ? (
        <p className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400">
          No archived chats.
        </p>
      ) : null}
      {!showArchived && archived.length > 0 ? (
        <button
          type="button"
          onClick={() => setShowArchived(true)}
          data-testid="archived-entry"
          className="mx-1 flex w-[calc(100%-0.5rem)] items-center gap-3 rounded-xl px-3 py-2.5 text-left text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800/70"
        >
          <span className="inline-flex size-11 items-center justify-center">
            <ArchiveIcon />
          </span>
          <span className="flex-1">Archived</span>
          <span className="text-xs text-slate-600 dark:text-slate-400">{archived.length}</span>
        </button>
      ) : null}
    </>
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
  const { engine, drafts } = useChat();
  const typingIds = useTypingIn(c.id);
  const draft = useStore(drafts.store, (d) => d[c.id] ?? null);
  const pending = useStore(engine.outbox, (items) =>
    items.findLast((i) => i.status !== 'acked' && isFor(i, c.id, null)),
  );
  const nameOf = useNames(
    c.kind === 'group' ? [...typingIds, ...(c.lastMessage ? [c.lastMessage.senderId] : [])] : [],
  );
  const face = conversationFace(c);
  const presence = usePresence(c.kind === 'direct' ? c.peer : null);
  const typing =
    typingIds.length === 0
      ? null
      : c.kind === 'direct'
        ? 'typing…'
        : `${describeTyping(typingIds.map(nameOf))}…`;
  const preview = previewOf(c, { me: engine.me, nameOf, draft, pending: pending ?? null });
  const unread = c.unreadCount;
  const left = c.myRole === null;
  const muted = isMutedNow(c, now);
  const dot = showsUnreadDot(c);
  const change = useOrganise(c.id, active);
  const menu = organiseItems(
    c,
    {
      change,
      readAll: () => c.lastMessage && engine.markRead(c.id, c.lastMessage),
    },
    now,
  );
  return (
    <li
      className="group relative"
      onContextMenu={(e) => {
        // Right-click (or a long press) opens the conversation's menu.
        const button = e.currentTarget.querySelector<HTMLButtonElement>(
          '[data-testid="conversation-menu"]',
        );
        if (!button) return;
        e.preventDefault();
        if (button.getAttribute('aria-expanded') !== 'true') button.click();
      }}
    >
      <a
        href={`/c/${encodeURIComponent(c.id)}`}
        data-testid="conversation-item"
        data-nav-item
        data-kind={c.kind}
        data-title={c.kind === 'group' ? (c.title ?? '') : undefined}
        data-username={c.peer?.username}
        data-muted={muted ? 'true' : undefined}
        data-pinned={c.pinnedAt ? 'true' : undefined}
        data-marked-unread={dot ? 'true' : undefined}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          navigate({ name: 'conversation', conversationId: c.id });
        }}
        className={`flex items-center gap-3 rounded-xl px-3 py-2.5 transition ${
          active
            ? 'bg-indigo-50 dark:bg-indigo-950/60'
            : 'hover:bg-slate-100 dark:hover:bg-slate-800/70'
        }`}
      >
        <Avatar user={face} online={presence.state === 'online'} />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span
              className={`truncate ${unread ? 'font-semibold' : 'font-medium'} ${left ? 'text-slate-600 dark:text-slate-400' : ''}`}
            >
              {face.displayName}
            </span>
            {c.lastMessageAt ? (
              <time
                dateTime={new Date(c.lastMessageAt).toISOString()}
                className={`shrink-0 text-xs group-focus-within:invisible group-hover:invisible pointer-coarse:visible ${unread ? 'font-medium text-indigo-700 dark:text-indigo-300' : 'text-slate-600 dark:text-slate-400'}`}
              >
                {formatListTime(new Date(c.lastMessageAt), now)}
              </time>
            ) : null}
          </span>
          <span className="mt-0.5 flex items-center justify-between gap-2">
            <span
              className={`truncate text-sm ${
                typing
                  ? 'text-indigo-700 italic dark:text-indigo-300'
                  : unread
                    ? 'text-slate-800 dark:text-slate-200'
                    : 'text-slate-600 dark:text-slate-400'
              }`}
              data-testid="conversation-preview"
            >
              {typing ??
                (preview.label ? (
                  <>
                    <span className="font-medium text-rose-700 dark:text-rose-300">
                      {preview.label}:
                    </span>{' '}
                    {preview.text}
                  </>
                ) : (
                  preview.text
                ))}
            </span>
            <span className="flex shrink-0 items-center gap-1">
              {muted ? (
                <span data-testid="muted-mark" title="Muted" className="text-slate-500">
                  <BellOffIcon className="size-4" />
                  <span className="sr-only">Muted</span>
                </span>
              ) : null}
              {c.pinnedAt ? (
                <span data-testid="pinned-mark" title="Pinned" className="text-slate-500">
                  <PinIcon className="size-4" />
                  <span className="sr-only">Pinned</span>
                </span>
              ) : null}
              {dot ? (
                <span
                  data-testid="unread-dot"
                  aria-label="Marked unread"
                  className="inline-block size-3 rounded-full bg-indigo-600"
                />
              ) : null}
              {c.mentionCount > 0 ? (
                <span
                  data-testid="mention-badge"
                  aria-label={`${c.mentionCount} mentioning you`}
                  title="You were mentioned"
                  className="inline-flex size-5 items-center justify-center rounded-full bg-amber-500 text-xs font-bold text-slate-950"
                >
                  @
                </span>
              ) : null}
              {unread > 0 ? (
                <span
                  data-testid="unread-badge"
                  aria-label={`${unread} unread`}
                  className={`inline-flex h-5 min-w-5 items-center justify-center rounded-full px-1.5 text-xs font-semibold text-white ${muted ? 'bg-slate-500' : 'bg-indigo-600'}`}
                >
                  {unread > 99 ? '99+' : unread}
                </span>
              ) : null}
            </span>
          </span>
        </span>
      </a>
      <div className="absolute top-1.5 right-2 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 has-[[aria-expanded=true]]:opacity-100 pointer-coarse:pointer-events-none pointer-coarse:has-[[aria-expanded=true]]:pointer-events-auto">
        <Menu
          label={`Options for ${face.displayName}`}
          items={menu}
          testId="conversation-menu"
          buttonClass="inline-flex size-7 items-center justify-center rounded-full bg-slate-100 text-slate-600 hover:bg-slate-200 hover:text-slate-900 dark:bg-slate-800 dark:text-slate-300 dark:hover:bg-slate-700 dark:hover:text-white"
        >
          <MoreIcon className="size-4" />
        </Menu>
      </div>
    </li>
  );
});
