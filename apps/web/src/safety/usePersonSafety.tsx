import { useState, type ReactNode } from 'react';
import { BlockDialog } from './BlockDialog.tsx';
import { ReportDialog } from './ReportDialog.tsx';
import { useIsBlocked, useSetBlocked, type Person } from './useBlocking.ts';

/**
 * Block (after asking), unblock (at once) and report one person; `dialogs` renders whichever
 * of the two dialogs is open.
 */
export function usePersonSafety(user: Person) {
  const blocked = useIsBlocked(user.id);
  const setBlocked = useSetBlocked();
  const [open, setOpen] = useState<'block' | 'report' | null>(null);
  const close = () => setOpen(null);
  const dialogs: ReactNode =
    open === 'block' ? (
      <BlockDialog user={user} onClose={close} />
    ) : open === 'report' ? (
      <ReportDialog user={user} onClose={close} />
    ) : null;
  return {
    blocked,
    toggleBlock: () => (blocked ? void setBlocked(user, false) : setOpen('block')),
    report: () => setOpen('report'),
    dialogs,
  };
}
