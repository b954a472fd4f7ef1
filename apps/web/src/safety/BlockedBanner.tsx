import { useState } from 'react';
import { useSetBlocked, type Person } from './useBlocking.ts';

/** In place of the composer, in a conversation with someone I blocked. */
export function BlockedBanner({ user }: { user: Person }) {
  const setBlocked = useSetBlocked();
  const [busy, setBusy] = useState(false);
  return (
    <p
      data-testid="blocked-banner"
      role="status"
      className="flex flex-wrap items-center justify-center gap-x-2 gap-y-1 border-t border-slate-200 bg-slate-50 px-4 py-3 text-center text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300"
    >
      <span>You blocked {user.displayName}.</span>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void setBlocked(user, false).finally(() => setBusy(false));
        }}
        className="rounded-md px-2 py-1 font-semibold text-indigo-700 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
      >
        {busy ? 'Unblocking…' : 'Unblock'}
      </button>
    </p>
  );
}
