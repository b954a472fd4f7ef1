import { useState } from 'react';
import { messageSummary } from '../../conversations/preview.ts';
import { toast } from '../../app/toast.ts';
import { errorInfo } from '../../lib/errors.ts';
import { trpc } from '../../lib/trpc.ts';
import { PinIcon } from '../../ui/icons.tsx';
import { useJumpToMessage } from '../jump.ts';

/**
 * The bar under the conversation's header while messages are pinned: the latest first; a click
 * shows it in the list and moves the bar on to the next (round and round when there are more).
 */
export function PinnedBar({ conversationId }: { conversationId: string }) {
  const pinned = trpc.chat.pinned.useQuery({ conversationId });
  const jump = useJumpToMessage();
  const [index, setIndex] = useState(0);
  const items = pinned.data ?? [];
  if (items.length === 0) return null;
  const i = index % items.length;
  const m = items[i]!;
  const several = items.length > 1;
  const title = several ? `Pinned message ${i + 1} of ${items.length}` : 'Pinned message';
  const summary = messageSummary(m);
  return (
    <div
      data-testid="pinned-bar"
      className="border-b border-slate-200 bg-white/95 px-3 py-1.5 md:px-6 dark:border-slate-800 dark:bg-slate-950/95"
    >
      <button
        type="button"
        onClick={() => {
          jump({ conversationId, messageId: m.id }).catch((e: unknown) =>
            toast(errorInfo(e).message),
          );
          setIndex(i + 1);
        }}
        title="Show the pinned message"
        data-message-id={m.id}
        className="mx-auto flex w-full max-w-3xl items-center gap-2.5 rounded-lg px-1 py-0.5 text-left hover:bg-slate-100 dark:hover:bg-slate-900"
      >
        {several ? (
          <span aria-hidden="true" className="flex h-8 w-0.5 flex-col gap-0.5">
            {items.slice(0, 4).map((p, n) => (
              <span
                key={p.id}
                className={`flex-1 rounded-full ${n === i % 4 ? 'bg-indigo-600 dark:bg-indigo-400' : 'bg-slate-300 dark:bg-slate-700'}`}
              />
            ))}
          </span>
        ) : null}
        <PinIcon className="size-4 shrink-0 text-indigo-700 dark:text-indigo-300" />
        <span className="min-w-0 flex-1">
          <span className="block text-xs font-semibold text-indigo-800 dark:text-indigo-300">
            {title}
          </span>
          <span
            data-testid="pinned-text"
            className="block truncate text-sm text-slate-800 dark:text-slate-200"
          >
            {summary}
          </span>
        </span>
      </button>
    </div>
  );
}
