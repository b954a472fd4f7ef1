import { QUICK_REACTIONS } from './reactions.ts';

/** The row of reactions at the top of a message's menu (menu items: ↑/↓ reach them). */
export function QuickReactions({
  mineAlready,
  onPick,
}: {
  /** The emoji I reacted with already (picking one takes it back). */
  mineAlready: ReadonlySet<string>;
  onPick: (emoji: string) => void;
}) {
  return (
    <div
      role="group"
      aria-label="React"
      data-testid="quick-reactions"
      className="flex gap-0.5 border-b border-slate-200 px-1.5 pb-1 dark:border-slate-700"
    >
      {QUICK_REACTIONS.map((emoji) => {
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
            className={`font-emoji inline-flex size-9 items-center justify-center rounded-full text-xl transition hover:scale-110 hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none dark:hover:bg-slate-700 dark:focus-visible:bg-slate-700 ${mine ? 'bg-indigo-100 dark:bg-indigo-950' : ''}`}
          >
            {emoji}
          </button>
        );
      })}
    </div>
  );
}
