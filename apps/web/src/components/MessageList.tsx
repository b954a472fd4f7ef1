import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { useNow } from '../hooks/useNow.ts';
import { groupMessages } from '../lib/grouping.ts';
import { allMessages, HISTORY_PAGE_SIZE, historyKey, type HistoryData } from '../lib/history.ts';
import type { Conversation, HistoryPage, PublicUser } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { buildTimeline, unreadUpTo } from '../lib/timeline.ts';
import { trpc } from '../lib/trpc.ts';
import { ArrowDownIcon } from './icons.tsx';
import { MessageBubble } from './MessageBubble.tsx';

/** How close to the bottom counts as "at the bottom" (px). */
const BOTTOM_SLACK = 80;
/** Start loading older messages this far from the top (px). */
const TOP_PRELOAD = 400;

/**
 * The scrolling message log: older pages load as you scroll up (the view stays put), new
 * messages scroll into view only if you were at the bottom; otherwise a button offers to jump.
 */
export function MessageList({
  peer,
  conversation,
  typing,
}: {
  peer: PublicUser;
  conversation: Conversation | null;
  typing: boolean;
}) {
  const { engine } = useChat();
  const me = engine.me;
  const utils = trpc.useUtils();
  const history = useInfiniteQuery<
    HistoryPage,
    Error,
    HistoryData,
    ReturnType<typeof historyKey>,
    string | null
  >({
    queryKey: historyKey(peer.id),
    queryFn: ({ pageParam }) =>
      utils.client.chat.history.query({
        withUserId: peer.id,
        before: pageParam,
        limit: HISTORY_PAGE_SIZE,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const outboxItems = useStore(engine.outbox);
  const visible = useStore(engine.visible);
  const now = useNow(60_000);

  const messages = useMemo(() => allMessages(history.data), [history.data]);
  const peerDeliveredSeq = conversation?.peerDeliveredSeq ?? 0;
  const peerReadSeq = conversation?.peerReadSeq ?? 0;
  const myReadSeq = conversation?.myReadSeq ?? 0;
  const timeline = useMemo(
    () =>
      buildTimeline({
        me,
        messages,
        outbox: outboxItems.filter((i) => i.to === peer.id),
        receipts: { peerDeliveredSeq, peerReadSeq },
      }),
    [me, messages, outboxItems, peer.id, peerDeliveredSeq, peerReadSeq],
  );
  const sections = useMemo(() => groupMessages(timeline, me, now), [timeline, me, now]);

  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const lastNewest = useRef<string | null>(null);
  const [unseen, setUnseen] = useState(0);

  const newest = timeline.at(-1) ?? null;
  const oldestKey = timeline[0]?.key ?? null;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;

  const loadOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || !hasNextPage || isFetchingNextPage) return;
    const first = el.querySelector<HTMLElement>('[data-key]');
    if (first?.dataset.key) {
      anchor.current = {
        key: first.dataset.key,
        offset: first.getBoundingClientRect().top - el.getBoundingClientRect().top,
      };
    }
    void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

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

  // Something new at the bottom: follow it if we were there (or I sent it); otherwise count it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !newest || lastNewest.current === newest.key) return;
    const first = lastNewest.current === null;
    lastNewest.current = newest.key;
    if (first || atBottom.current || newest.senderId === me) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
      setUnseen(0);
    } else {
      setUnseen((n) => n + 1);
    }
  }, [newest, me]);

  // The typing bubble appearing must not push the last message out of view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && typing && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [typing]);

  // The composer grew (attached images, a longer draft) or the window shrank: a reader who was
  // at the bottom stays there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A short first page does not fill the screen, so no scroll would ever ask for more.
  useEffect(() => {
    const el = scroller.current;
    if (
      el &&
      hasNextPage &&
      !isFetchingNextPage &&
      el.scrollHeight <= el.clientHeight + TOP_PRELOAD
    )
      loadOlder();
  }, [hasNextPage, isFetchingNextPage, loadOlder, timeline.length]);

  // On screen and visible: what the peer sent is read.
  useEffect(() => {
    if (!visible) return;
    const target = unreadUpTo(messages, me, myReadSeq);
    if (target) engine.markRead(peer.id, target);
  }, [visible, messages, me, myReadSeq, engine, peer.id]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    if (atBottom.current && unseen) setUnseen(0);
    if (el.scrollTop < TOP_PRELOAD) loadOlder();
  };

  const jump = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    setUnseen(0);
  };

  const retry = useCallback((key: string) => engine.retry(key), [engine]);
  const discard = useCallback((key: string) => engine.discard(key), [engine]);

  return (
    <div className="relative flex min-h-0 flex-1 flex-col bg-slate-50 dark:bg-slate-900/40">
      <div
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-label="Messages"
        aria-busy={history.isPending || isFetchingNextPage}
        data-testid="message-list"
        className="scrollbar-thin min-h-0 flex-1 overflow-y-auto px-3 pt-2 pb-3 [overflow-anchor:none] md:px-6"
      >
        <div className="mx-auto flex max-w-3xl flex-col">
          {history.isPending ? (
            <p className="py-10 text-center text-sm text-slate-500">Loading messages…</p>
          ) : history.isError ? (
            <p className="py-10 text-center text-sm text-rose-600">{history.error.message}</p>
          ) : hasNextPage ? (
            <p className="py-3 text-center text-xs text-slate-500" data-testid="loading-older">
              {isFetchingNextPage ? 'Loading earlier messages…' : ' '}
            </p>
          ) : (
            <p
              className="py-6 text-center text-xs text-slate-500 dark:text-slate-400"
              data-testid="history-start"
            >
              {timeline.length
                ? `This is the beginning of your conversation with ${peer.displayName}.`
                : `Say hello to ${peer.displayName}.`}
            </p>
          )}
          {sections.map((day) => (
            <section key={day.key} aria-label={day.label}>
              <div className="sticky top-1 z-10 my-3 flex justify-center">
                <span
                  className="rounded-full bg-white/90 px-3 py-0.5 text-xs font-medium text-slate-500 shadow-sm ring-1 ring-slate-200 backdrop-blur dark:bg-slate-800/90 dark:text-slate-300 dark:ring-slate-700"
                  data-testid="day-separator"
                >
                  {day.label}
                </span>
              </div>
              {day.groups.map((group) => (
                <div
                  key={group.key}
                  className="mb-2 flex flex-col gap-0.5"
                  data-testid="message-group"
                >
                  {group.messages.map((m, i) => (
                    <MessageBubble
                      key={m.key}
                      message={m}
                      mine={group.mine}
                      last={i === group.messages.length - 1}
                      onRetry={retry}
                      onDiscard={discard}
                      senderName={group.mine ? 'you' : peer.displayName}
                    />
                  ))}
                </div>
              ))}
            </section>
          ))}
          {typing ? (
            <div
              className="mt-1 flex"
              data-testid="typing-indicator"
              aria-label={`${peer.displayName} is typing`}
            >
              <span className="inline-flex items-center gap-1 rounded-2xl rounded-bl-md bg-slate-100 px-3 py-2.5 dark:bg-slate-800">
                {[0, 1, 2].map((i) => (
                  <span
                    key={i}
                    className="size-1.5 animate-blink rounded-full bg-slate-500 dark:bg-slate-400"
                    style={{ animationDelay: `${i * 0.2}s` }}
                  />
                ))}
              </span>
            </div>
          ) : null}
        </div>
      </div>
      {unseen > 0 ? (
        <button
          type="button"
          onClick={jump}
          data-testid="jump-to-new"
          aria-label="Jump to new messages"
          className="absolute bottom-3 left-1/2 inline-flex -translate-x-1/2 animate-pop items-center gap-1.5 rounded-full bg-indigo-600 px-3.5 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-indigo-500"
        >
          <ArrowDownIcon className="size-4" />
          {unseen === 1 ? '1 new message' : `${unseen} new messages`}
        </button>
      ) : null}
    </div>
  );
}
