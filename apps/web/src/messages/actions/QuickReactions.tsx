import { useState } from 'react';
import { PlusIcon, SmileIcon } from '../../ui/icons.tsx';
import { MORE_REACTIONS, QUICK_REACTIONS } from './reactions.ts';

const item =
  'font-emoji inline-flex size-9 items-center justify-center rounded-full text-xl transition hover:scale-110 hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none dark:hover:bg-slate-700 dark:focus-visible:bg-slate-700';

/**
 * The row of reactions at the top of a message's menu, and "more" opening a grid of others
 * (menu items all: ↑/↓ reach them).
 */
export function QuickReactions({
  mineAlready,
  onPick,
  onAnyEmoji,
}: {
  /** The emoji I reacted with already (picking one takes it back). */
  mineAlready: ReadonlySet<string>;
  onPick: (emoji: string) => void;
  /** Opens the full picker, for any other emoji. */
  onAnyEmoji: () => void;
}) {
  const [more, setMore] = useState(false);
  const button = (emoji: string) => {
    const mine = mineAlready.has(emoji);
    return (
      <button
        key={emoji}
        type="button"
        role="menuitem"
        tabIndex={-1}
        data-testid="quick-reaction"
        aria-label={mine ? `Remove your ${emoji} reaction` : `React with ${emoji}`}
        onClick={() => onPick(emoji)}
        className={`${item} ${mine ? 'bg-indigo-100 dark:bg-indigo-950' : ''}`}
      >
        {emoji}
      </button>
    );
  };
  return (
    <div
      role="group"
      aria-label="React"
      data-testid="quick-reactions"
      className="border-b border-slate-200 px-1.5 pb-1 dark:border-slate-700"
    >
      <div className="flex gap-0.5">
        {QUICK_REACTIONS.map(button)}
        <button
          type="button"
          role="menuitem"
          tabIndex={-1}
          aria-label="More reactions"
          aria-expanded={more}
          data-testid="more-reactions"
          onClick={() => setMore((v) => !v)}
          className={`${item} text-slate-600 dark:text-slate-300`}
        >
          <PlusIcon className={`size-5 transition ${more ? 'rotate-45' : ''}`} />
        </button>
      </div>
      {more ? (
        <div className="grid grid-cols-7 gap-0.5 pt-1" data-testid="more-reaction-grid">
          {MORE_REACTIONS.map(button)}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            aria-label="Any emoji…"
            title="Any emoji…"
            data-testid="any-emoji-reaction"
            onClick={onAnyEmoji}
            className={`${item} text-slate-600 dark:text-slate-300`}
          >
            <SmileIcon className="size-5" />
          </button>
        </div>
      ) : null}
    </div>
  );
}
