import { useState } from 'react';
import { Dialog } from '../ui/Dialog.tsx';
import { useSetBlocked, type Person } from './useBlocking.ts';

export const secondaryButton =
  'rounded-lg px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800';
export const dangerButton =
  'rounded-lg bg-rose-700 px-4 py-2 text-sm font-semibold text-white hover:bg-rose-600 disabled:opacity-50';

/** Asks before blocking, saying what blocking does (and that they are not told). */
export function BlockDialog({ user, onClose }: { user: Person; onClose: () => void }) {
  const setBlocked = useSetBlocked();
  const [busy, setBusy] = useState(false);
  const name = user.displayName;

  async function confirm() {
    setBusy(true);
    if (await setBlocked(user, true)) onClose();
    else setBusy(false);
  }

  return (
    <Dialog title={`Block ${name}?`} onClose={onClose} testId="block-dialog">
      <div className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
        <p>
          {name} will no longer be able to message you, start a conversation with you or add you to
          groups, and will not see your online status, last seen, profile picture or typing.
        </p>
        <p>
          They are not told: their messages simply stay undelivered. Your conversation stays here
          for you to read. You can unblock them at any time, here or in Settings.
        </p>
      </div>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={onClose} className={secondaryButton}>
          Cancel
        </button>
        <button
          type="button"
          onClick={() => void confirm()}
          disabled={busy}
          className={dangerButton}
          data-testid="confirm-block"
        >
          {busy ? 'Blocking…' : 'Block'}
        </button>
      </div>
    </Dialog>
  );
}
