import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChat } from '../app/session-context.ts';
import { auth } from '../auth/session.ts';
import { describeSystem } from '../groups/system-text.ts';
import type { Conversation, PublicUser } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { useNow } from '../lib/useNow.ts';
import { describeTyping } from '../realtime/typing.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ArrowDownIcon } from '../ui/icons.tsx';
import { groupMessages, type MessageGroup } from './grouping.ts';
import { useMessageActions } from './actions/useMessageActions.tsx';
import { allMessages, historyInput } from './history.ts';
import { useJumpHighlight, usePendingJump } from './jump.ts';
import { MessageBubble } from './MessageBubble.tsx';
import { isFor } from './outbox.ts';
import { buildTimeline, firstUnread, type DisplayMessage } from './timeline.ts';
import { useReadTracker } from './useReadTracker.ts';

/** How close to the bottom counts as "at the bottom" (px). */
const BOTTOM_SLACK = 80;
/** Start loading older (or newer) messages this far from the edge (px). */
const EDGE_PRELOAD = 400;
/** Opening at the first unread loads at most this many pages back to reach it. */
const MAX_UNREAD_PAGES = 10;

function SystemLine({
  message,
  nameOf,
  me,
}: {
  message: DisplayMessage;
  nameOf: (id: string) => string;
  me: string;
}) {
  if (!message.system) return null;
  return (
    <p
      data-testid="system-line"
      data-key={message.key}
      data-seq={message.seq ?? undefined}
      data-id={message.id ?? undefined}
      className="mx-auto my-2 w-fit max-w-[85%] rounded-full bg-slate-200 px-3 py-1 text-center text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300"
    >
      {describeSystem(message.system, nameOf, me)}
    </p>
  );
}

/**
 * The scrolling message log. It opens at the first unread message (under an "N unread
 * messages" line) or at the bottom, marks read only what has been on screen, loads older and
 * newer pages at the edges (keeping the view in place), follows new messages when at the
 * bottom, and otherwise offers a ↓ button with the unread count.
 */
export function MessageList({
  conversation,
  peer,
  typingIds,
}: {
  /** Null for a person with no conversation yet. */
  conversation: Conversation | null;
  peer: PublicUser | null;
  typingIds: readonly string[];
}) {
  const { engine } = useChat();
  const me = engine.me;
  const myUsername = useStore(auth.state, (s) =>
    s.status === 'signedIn' ? s.user.username : null,
  );
  const conversationId = conversation?.id ?? null;
  const isGroup = conversation?.kind === 'group';
  const history = trpc.chat.history.useInfiniteQuery(historyInput(conversationId ?? ''), {
    enabled: conversationId !== null,
    getNextPageParam: (last) => last.newerCursor,
    getPreviousPageParam: (first) => first.olderCursor,
  });
  const loaded = conversationId === null || history.isSuccess || history.isError;
  const outboxItems = useStore(engine.outbox);
  const people = useStore(engine.directory.people);
  const now = useNow(60_000);

  // Where unread messages started when the conversation was opened: fixed for this visit.
  const [opened] = useState(() => ({
    readSeq: conversation?.myReadSeq ?? 0,
    unread: conversation?.unreadCount ?? 0,
  }));

  const messages = useMemo(() => allMessages(history.data), [history.data]);
  const receipts = conversation?.receipts ?? null;
  const timeline = useMemo(
    () =>
      buildTimeline({
        me,
        messages,
        outbox: outboxItems.filter((i) => isFor(i, conversationId, peer?.id ?? null)),
        receipts,
      }),
    [me, messages, outboxItems, conversationId, peer?.id, receipts],
  );
  const unreadStart = opened.unread > 0 ? firstUnread(timeline, me, opened.readSeq) : null;
  const sections = useMemo(
    () => groupMessages(timeline, me, now, { unreadKey: unreadStart?.key ?? null }),
    [timeline, me, now, unreadStart?.key],
  );

  // Names and pictures of senders, of everyone mentions and quotes name, and of who reacted.
  const wanted = useMemo(() => {
    const ids = new Set<string>();
    for (const m of timeline) {
      if (m.senderId !== me) ids.add(m.senderId);
      for (const id of m.mentions) ids.add(id);
      if (m.replyTo) ids.add(m.replyTo.senderId);
      for (const r of m.reactions) for (const id of r.userIds) ids.add(id);
    }
    ids.delete(me);
    return [...ids];
  }, [timeline, me]);
  useEffect(() => {
    if (wanted.length) engine.directory.want(wanted);
  }, [engine, wanted]);
  const nameOf = useCallback(
    (id: string) => people[id]?.displayName ?? (id === peer?.id ? peer.displayName : 'Someone'),
    [people, peer],
  );
  const { api: actions, dialogs } = useMessageActions(conversation, me, nameOf);
  const mentionSets = useMemo(() => {
    const sets = new Map<string, ReadonlySet<string>>();
    for (const m of timeline) {
      if (!m.mentions.length) continue;
      sets.set(
        m.key,
        new Set(
          m.mentions.flatMap((id) => (people[id] ? [people[id].username.toLowerCase()] : [])),
        ),
      );
    }
    return sets;
  }, [timeline, people]);

  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const positioned = useRef(false);
  const [isPositioned, setPositioned] = useState(false);
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const lastNewest = useRef<string | null>(null);
  const [farFromBottom, setFarFromBottom] = useState(false);

  const newest = timeline.at(-1) ?? null;
  const oldestKey = timeline[0]?.key ?? null;
  const {
    hasPreviousPage,
    hasNextPage,
    isFetchingPreviousPage,
    isFetchingNextPage,
    fetchPreviousPage,
    fetchNextPage,
  } = history;

  const loadOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || !hasPreviousPage || isFetchingPreviousPage) return;
    const first = el.querySelector<HTMLElement>('[data-key]');
    if (first?.dataset.key) {
      anchor.current = {
        key: first.dataset.key,
        offset: first.getBoundingClientRect().top - el.getBoundingClientRect().top,
      };
    }
    void fetchPreviousPage();
  }, [hasPreviousPage, isFetchingPreviousPage, fetchPreviousPage]);

  // Opening with unread messages: load back until the first of them is here.
  const firstLoadedSeq = messages[0]?.seq ?? null;
  const jumping = usePendingJump(conversationId) !== null;
  const reachedUnread =
    jumping ||
    opened.unread === 0 ||
    !hasPreviousPage ||
    (firstLoadedSeq !== null && firstLoadedSeq <= opened.readSeq + 1) ||
    (history.data?.pages.length ?? 0) >= MAX_UNREAD_PAGES;
  useEffect(() => {
    if (history.isSuccess && !reachedUnread && !isFetchingPreviousPage) void fetchPreviousPage();
  }, [history.isSuccess, reachedUnread, isFetchingPreviousPage, fetchPreviousPage]);

  // The first position, once: at the "unread" line, or at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || positioned.current || !loaded || !reachedUnread) return;
    positioned.current = true;
    setPositioned(true);
    lastNewest.current = newest?.key ?? null;
    // Opening at a message jumped to: useJumpHighlight scrolls to it.
    if (jumping) return;
    const marker = el.querySelector<HTMLElement>('[data-testid="unread-marker"]');
    if (marker) {
      el.scrollTop = marker.offsetTop - 8;
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    } else {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
    }
    setFarFromBottom(!atBottom.current);
  }, [loaded, reachedUnread, newest?.key, jumping]);

  // Older messages arrived above: put the message that was on top back where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    const a = anchor.current;
    if (!el || !a) return;
    const node = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(a.key)}"]`);
    if (node)
      el.scrollTop += node.getBoundingClientRect().top - el.getBoundingClientRect().top - a.offset;
    anchor.current = null;
  }, [oldestKey]);

  // Something new at the bottom: follow it if we were there (or I sent it).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !positioned.current || !newest || lastNewest.current === newest.key) return;
    lastNewest.current = newest.key;
    if (atBottom.current || (newest.senderId === me && newest.status === 'pending')) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
      setFarFromBottom(false);
    }
  }, [newest, me]);

  // The typing bubble appearing must not push the last message out of view.
  const someoneTyping = typingIds.length > 0;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && someoneTyping && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [someoneTyping]);

  // The composer grew or the window shrank: a reader who was at the bottom stays there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current && positioned.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A short page does not fill the screen, so no scroll would ever ask for more.
  useEffect(() => {
    const el = scroller.current;
    if (el && positioned.current && el.scrollHeight <= el.clientHeight + EDGE_PRELOAD) loadOlder();
  }, [loadOlder, timeline.length]);

  // A message jumped to (a search result): scrolled to and highlighted, after the effects above.
  useJumpHighlight(scroller, conversationId, timeline.length);

  // What has been on screen (while the page is visible) is read; nothing else.
  useReadTracker(scroller, conversation, timeline.length, isPositioned);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    atBottom.current = fromBottom < BOTTOM_SLACK;
    setFarFromBottom(!atBottom.current || hasNextPage);
    if (!positioned.current) return;
    if (el.scrollTop < EDGE_PRELOAD) loadOlder();
    if (fromBottom < EDGE_PRELOAD && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  };

  const jump = async () => {
    const el = scroller.current;
    if (!el) return;
    // A gap before the newest messages: fetch up to them first.
    let more = hasNextPage;
    for (let i = 0; more && i < MAX_UNREAD_PAGES; i++) more = (await fetchNextPage()).hasNextPage;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    atBottom.current = true;
    setFarFromBottom(false);
  };

  const retry = useCallback((key: string) => engine.retry(key), [engine]);
  const discard = useCallback((key: string) => engine.discard(key), [engine]);
  const unread = conversation?.unreadCount ?? 0;
  const title =
    conversation?.kind === 'group'
      ? (conversation.title ?? 'this group')
      : (peer?.displayName ?? '');
  const typingNames = typingIds.map(nameOf);

  const renderGroup = (group: MessageGroup) => {
    const sender = people[group.senderId] ?? (group.senderId === peer?.id ? peer : null);
    const showSender = isGroup && !group.mine;
    return (
      <div
        key={group.key}
        className={`mb-2 flex gap-2 ${group.mine ? 'justify-end' : ''}`}
        data-testid="message-group"
        data-sender={group.senderId}
      >
        {showSender ? (
          <div className="flex w-8 shrink-0 flex-col justify-end" data-testid="sender-avatar">
            <Avatar
              user={sender ?? { id: group.senderId, displayName: nameOf(group.senderId) }}
              size="xs"
            />
          </div>
        ) : null}
        <div className="flex min-w-0 flex-1 flex-col gap-0.5">
          {showSender ? (
            <p
              className="ml-1 text-xs font-semibold text-indigo-800 dark:text-indigo-300"
              data-testid="sender-name"
            >
              {nameOf(group.senderId)}
            </p>
          ) : null}
          {group.messages.map((m, i) => (
            <MessageBubble
              key={m.key}
              message={m}
              mine={group.mine}
              last={i === group.messages.length - 1}
              group={isGroup}
              onRetry={retry}
              onDiscard={discard}
              actions={actions}
              senderName={group.mine ? 'you' : nameOf(group.senderId)}
              mentionedUsernames={mentionSets.get(m.key)}
              myUsername={myUsername}
            />
          ))}
        </div>
      </div>
    );
  };

  return (
    <div className="relative flex min-h-0 flex-1 flex-col bg-slate-100 dark:bg-slate-900/60">
      <div
        ref={scroller}
        onScroll={onScroll}
        role="log"
        tabIndex={0}
        aria-label="Messages"
        aria-busy={!loaded || isFetchingPreviousPage}
        data-testid="message-list"
        className="scrollbar-thin min-h-0 flex-1 overflow-y-auto px-3 pt-2 pb-3 [overflow-anchor:none] md:px-6"
      >
        <div className="mx-auto flex max-w-3xl flex-col">
          {!loaded ? (
            <p className="py-10 text-center text-sm text-slate-600 dark:text-slate-400">
              Loading messages…
            </p>
          ) : history.isError ? (
            <p className="py-10 text-center text-sm text-rose-700">{history.error.message}</p>
          ) : hasPreviousPage ? (
            <p
              className="py-3 text-center text-xs text-slate-600 dark:text-slate-400"
              data-testid="loading-older"
            >
              {isFetchingPreviousPage ? 'Loading earlier messages…' : ' '}
            </p>
          ) : (
            <p
              className="py-6 text-center text-xs text-slate-600 dark:text-slate-400"
              data-testid="history-start"
            >
              {timeline.length
                ? isGroup
                  ? `This is the beginning of ${title}.`
                  : `This is the beginning of your conversation with ${title}.`
                : isGroup
                  ? `Say hello to ${title}.`
                  : `Say hello to ${title}.`}
            </p>
          )}
          {sections.map((day) => (
            <section key={day.key} aria-label={day.label}>
              <div className="my-3 flex justify-center">
                <span
                  className="rounded-full bg-white px-3 py-0.5 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-700"
                  data-testid="day-separator"
                >
                  {day.label}
                </span>
              </div>
              {day.items.map((item) =>
                item.type === 'unread' ? (
                  <p
                    key="unread"
                    data-testid="unread-marker"
                    className="my-3 flex items-center gap-3 text-xs font-semibold text-indigo-800 dark:text-indigo-200"
                  >
                    <span className="h-px flex-1 bg-indigo-300 dark:bg-indigo-800" />
                    {opened.unread === 1 ? '1 unread message' : `${opened.unread} unread messages`}
                    <span className="h-px flex-1 bg-indigo-300 dark:bg-indigo-800" />
                  </p>
                ) : item.type === 'system' ? (
                  <SystemLine key={item.key} message={item.message} nameOf={nameOf} me={me} />
                ) : (
                  renderGroup(item)
                ),
              )}
            </section>
          ))}
          {hasNextPage ? (
            <p className="py-3 text-center text-xs text-slate-600 dark:text-slate-400">
              {isFetchingNextPage ? 'Loading newer messages…' : ' '}
            </p>
          ) : null}
          {someoneTyping ? (
            <div
              className="mt-1 flex items-center gap-2"
              data-testid="typing-indicator"
              aria-label={describeTyping(isGroup ? typingNames : [title]) ?? undefined}
            >
              <span className="inline-flex items-center gap-1 rounded-2xl rounded-bl-md bg-white px-3 py-2.5 ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700">
                {[0, 1, 2].map((i) => (
                  <span
                    key={i}
                    className="size-1.5 animate-blink rounded-full bg-slate-500 dark:bg-slate-400"
                    style={{ animationDelay: `${i * 0.2}s` }}
                  />
                ))}
              </span>
              {isGroup ? (
                <span
                  className="text-xs text-slate-600 dark:text-slate-400"
                  data-testid="typing-names"
                >
                  {describeTyping(typingNames)}
                </span>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
      {farFromBottom ? (
        <button
          type="button"
          onClick={() => void jump()}
          data-testid="jump-to-bottom"
          aria-label={
            unread ? `Jump to the newest message, ${unread} unread` : 'Jump to the newest message'
          }
          className="absolute right-4 bottom-4 inline-flex size-11 animate-pop items-center justify-center rounded-full bg-white text-slate-700 shadow-lg ring-1 ring-slate-200 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700"
        >
          <ArrowDownIcon className="size-5" />
          {unread ? (
            <span
              data-testid="jump-unread"
              className="absolute -top-2 -right-1 inline-flex h-5 min-w-5 items-center justify-center rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white"
            >
              {unread > 99 ? '99+' : unread}
            </span>
          ) : null}
        </button>
      ) : null}
      {dialogs}
    </div>
  );
}
