import { Suspense, useState, type ReactNode } from 'react';
import { lazyComponent } from '../lib/lazy-component.ts';
import { useIsBlocked, useSetBlocked, type Person } from './useBlocking.ts';

// The dialogs load when first asked for (`preload` fetches them when their menu opens).
const BlockDialog = lazyComponent(() => import('./BlockDialog.tsx').then((m) => m.BlockDialog));
const ReportDialog = lazyComponent(() => import('./ReportDialog.tsx').then((m) => m.ReportDialog));

/**
 * Block (after asking), unblock (at once) and report one person; `dialogs` renders whichever
 * of the two dialogs is open; `preload` fetches their code ahead (when what offers them opens or
 * is pointed at).
 */
export function usePersonSafety(user: Person) {
  const blocked = useIsBlocked(user.id);
  const setBlocked = useSetBlocked();
  const [open, setOpen] = useState<'block' | 'report' | null>(null);
  const close = () => setOpen(null);
  const dialogs: ReactNode = (
    <Suspense fallback={null}>
      {open === 'block' ? (
        <BlockDialog user={user} onClose={close} />
      ) : open === 'report' ? (
        <ReportDialog user={user} onClose={close} />
      ) : null}
    </Suspense>
  );
  return {
    blocked,
    toggleBlock: () => (blocked ? void setBlocked(user, false) : setOpen('block')),
    report: () => setOpen('report'),
    preload: () => {
      BlockDialog.preload();
      ReportDialog.preload();
    },
    dialogs,
  };
}
