import { useState } from 'react';
import { useConversations } from '../../conversations/useConversations.ts';
import { conversationFace } from '../../conversations/preview.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { FORWARD_LIMIT, forwardTargets } from './forward-targets.ts';

/** Picks up to FORWARD_LIMIT conversations (searchable) to forward a message to. */
export function ForwardDialog({
  onForward,
  onClose,
}: {
  /** Resolves once forwarded (the dialog then closes); rejects to stay open. */
  onForward: (conversationIds: string[]) => Promise<void>;
  onClose: () => void;
}) {
  const { items } = useConversations();
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const targets = forwardTargets(items, query);
  const full = chosen.length >= FORWARD_LIMIT;
  const toggle = (id: string) =>
    setChosen((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));
  return (
    <Dialog title="Forward to…" onClose={onClose} testId="forward-dialog">
      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-label="Search conversations"
        placeholder="Search conversations"
        className="w-full rounded-xl border border-slate-300 bg-white px-3 py-2 text-base outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100 dark:border-slate-700 dark:bg-slate-950 dark:focus:ring-indigo-950"
      />
      <ul aria-label="Conversations" className="mt-3 max-h-72 space-y-0.5 overflow-y-auto">
        {targets.map((c) => {
          const face = conversationFace(c);
          const checked = chosen.includes(c.id);
          return (
            <li key={c.id}>
              <label
                data-testid="forward-target"
                data-title={face.displayName}
                className="flex cursor-pointer items-center gap-3 rounded-xl px-2 py-2 hover:bg-slate-100 has-disabled:cursor-not-allowed has-disabled:opacity-60 dark:hover:bg-slate-800"
              >
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && full}
                  onChange={() => toggle(c.id)}
                  className="size-4 accent-indigo-600"
                />
                <Avatar user={face} size="xs" />
                <span className="min-w-0 truncate text-sm font-medium">{face.displayName}</span>
              </label>
            </li>
          );
        })}
        {targets.length === 0 ? (
          <li className="px-2 py-4 text-center text-sm text-slate-600 dark:text-slate-400">
            No conversation matches.
          </li>
        ) : null}
      </ul>
      <div className="mt-4 flex items-center justify-between gap-3">
        <p className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {full ? `At most ${FORWARD_LIMIT} at once.` : `${chosen.length} selected`}
        </p>
        <button
          type="button"
          disabled={chosen.length === 0 || busy}
          onClick={() => {
            setBusy(true);
            onForward(chosen).then(onClose, () => setBusy(false));
          }}
          className="rounded-xl bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:bg-slate-300 disabled:text-slate-600 dark:disabled:bg-slate-700 dark:disabled:text-slate-300"
        >
          Forward
        </button>
      </div>
    </Dialog>
  );
}
