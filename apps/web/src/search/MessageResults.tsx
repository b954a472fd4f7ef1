import { keepPreviousData } from '@tanstack/react-query';
import { useChat } from '../app/session-context.ts';
import { toast } from '../app/toast.ts';
import { conversationFace } from '../conversations/preview.ts';
import { useConversations } from '../conversations/useConversations.ts';
import { errorInfo } from '../lib/errors.ts';
import { formatListTime } from '../lib/format.ts';
import type { RouterOutputs } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { useNow } from '../lib/useNow.ts';
import { useJumpToMessage } from '../messages/jump.ts';
import { onListKeyDown } from '../ui/list-navigation.ts';
import { Snippet } from './Snippet.tsx';

type Hit = RouterOutputs['chat']['search']['items'][number];

export const MESSAGE_PAGE_SIZE = 20;

const rowClass =
  'block w-full rounded-xl px-3 py-2.5 text-left hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-800/70 dark:focus-visible:bg-slate-800/70';

function MessageRow({
  hit,
  where,
  now,
  onOpen,
}: {
  hit: Hit;
  /** The conversation's name (left out when searching one conversation). */
  where: string | null;
  now: Date;
  onOpen: (hit: Hit) => void;
}) {
  const { engine } = useChat();
  const sender =
    hit.message.senderId === engine.me ? 'You' : (hit.sender?.displayName ?? 'Someone');
  return (
    <li>
      <button
        type="button"
        data-testid="message-result"
        data-nav-item
        data-message-id={hit.message.id}
        onClick={() => onOpen(hit)}
        className={rowClass}
      >
        <span className="flex items-baseline justify-between gap-2">
          <span className="min-w-0 truncate text-sm font-medium">
            {sender}
            {where ? (
              <span className="font-normal text-slate-600 dark:text-slate-400"> {where}</span>
            ) : null}
          </span>
          <time
            dateTime={new Date(hit.message.createdAt).toISOString()}
            className="shrink-0 text-xs text-slate-600 dark:text-slate-400"
          >
            {formatListTime(new Date(hit.message.createdAt), now)}
          </time>
        </span>
        <span
          className="mt-0.5 line-clamp-2 text-sm break-words text-slate-700 dark:text-slate-300"
          data-testid="message-snippet"
        >
          <Snippet segments={hit.snippet} />
        </span>
      </button>
    </li>
  );
}

/**
 * Messages matching `q` (the last word as a prefix while it is typed), newest first, in all my
 * conversations or in one; more on demand. Picking one opens its conversation at the message.
 */
export function MessageResults({
  q,
  conversationId = null,
  onPick,
}: {
  q: string;
  conversationId?: string | null;
  onPick: () => void;
}) {
  const search = trpc.chat.search.useInfiniteQuery(
    { q, conversationId, limit: MESSAGE_PAGE_SIZE },
    {
      enabled: q.length > 0,
      placeholderData: keepPreviousData,
      getNextPageParam: (last) => last.nextCursor,
    },
  );
  const { items: conversations } = useConversations();
  const now = useNow(60_000);
  const jump = useJumpToMessage();
  const { engine } = useChat();

  const open = (hit: Hit) => {
    onPick();
    jump({ conversationId: hit.message.conversationId, messageId: hit.message.id }).catch(
      (error: unknown) => toast(errorInfo(error).message),
    );
  };
  /** "in Climbers" for a group; for a direct conversation only my messages say to whom. */
  const whereOf = (hit: Hit) => {
    const c = conversations.find((x) => x.id === hit.message.conversationId);
    if (!c) return null;
    if (c.kind === 'group') return `in ${conversationFace(c).displayName}`;
    return hit.message.senderId === engine.me ? `to ${conversationFace(c).displayName}` : null;
  };

  if (search.isError)
    return <p className="px-3 py-6 text-center text-sm text-rose-700">{search.error.message}</p>;
  if (!search.data)
    return (
      <p className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400">Searching…</p>
    );
  const hits = search.data.pages.flatMap((p) => p.items);
  const more = search.hasNextPage ? (
    <button
      type="button"
      data-testid="more-results"
      disabled={search.isFetchingNextPage}
      onClick={() => void search.fetchNextPage()}
      className="mx-auto my-2 block rounded-lg px-3 py-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50 disabled:opacity-60 dark:text-indigo-300 dark:hover:bg-indigo-950"
    >
      {search.isFetchingNextPage
        ? 'Loading…'
        : hits.length > 0
          ? 'More results'
          : 'Search older messages'}
    </button>
  ) : null;
  // A page can come back empty with more to look through (the server reads at most so many
  // messages per page): offer to go on rather than say nothing matches.
  if (hits.length === 0 && more)
    return (
      <div className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400">
        <p data-testid="message-search-none-yet">No match among the newest messages.</p>
        {more}
      </div>
    );
  if (hits.length === 0)
    return (
      <p
        className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400"
        data-testid="message-search-empty"
      >
        No message matches “{q}”.
      </p>
    );
  return (
    <div aria-busy={search.isFetching}>
      <ul aria-label="Messages" onKeyDown={onListKeyDown} data-testid="message-results">
        {hits.map((hit) => (
          <MessageRow
            key={hit.message.id}
            hit={hit}
            where={conversationId ? null : whereOf(hit)}
            now={now}
            onOpen={open}
          />
        ))}
      </ul>
      {more}
    </div>
  );
}
