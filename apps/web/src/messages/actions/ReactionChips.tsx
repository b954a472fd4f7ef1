import { reactionChips, type Reaction } from './reactions.ts';

/** The reactions under a bubble: one chip per emoji with its count, mine marked; a tap toggles. */
export function ReactionChips({
  reactions,
  me,
  nameOf,
  mine,
  onToggle,
}: {
  reactions: readonly Reaction[];
  me: string;
  nameOf: (userId: string) => string;
  /** Under one of my messages (on the right). */
  mine: boolean;
  /** Absent when I may not react (I left the group). */
  onToggle?: ((emoji: string) => void) | undefined;
}) {
  return (
    <ul
      aria-label="Reactions"
      data-testid="reactions"
      className={`-mt-1 flex basis-full flex-wrap gap-1 px-1 ${mine ? 'justify-end' : ''}`}
    >
      {reactionChips(reactions, me, nameOf).map((chip) => (
        <li key={chip.emoji}>
          <button
            type="button"
            data-testid="reaction-chip"
            data-emoji={chip.emoji}
            data-mine={chip.mine ? 'true' : 'false'}
            aria-pressed={chip.mine}
            title={chip.label}
            disabled={!onToggle}
            onClick={() => onToggle?.(chip.emoji)}
            className={`inline-flex h-7 items-center gap-1 rounded-full px-2 text-sm shadow-sm ring-1 ${
              chip.mine
                ? 'bg-indigo-100 text-indigo-900 ring-indigo-400 dark:bg-indigo-950 dark:text-indigo-100 dark:ring-indigo-500'
                : 'bg-white text-slate-800 ring-slate-200 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700 dark:hover:bg-slate-700'
            }`}
          >
            <span className="font-emoji">{chip.emoji}</span>
            <span className="text-xs font-medium tabular-nums">{chip.count}</span>
            <span className="sr-only">, {chip.label}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
