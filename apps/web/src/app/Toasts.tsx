import { dismissToast, toasts } from './toast.ts';
import { useStore } from '../lib/store.ts';
import { CloseIcon } from '../ui/icons.tsx';

/**
 * Short messages above the composer (bottom right on wide screens): never over a header, its
 * name, status or back button.
 */
export function Toasts() {
  const list = useStore(toasts);
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-20 z-50 flex flex-col items-center gap-2 px-3 md:right-4 md:bottom-24 md:left-auto md:items-end"
    >
      {list.map((t) => (
        <div
          key={t.id}
          data-testid="toast"
          className={`pointer-events-auto flex max-w-md animate-pop items-start gap-3 rounded-xl px-4 py-3 text-sm shadow-lg ring-1 ${
            t.tone === 'error'
              ? 'bg-rose-50 text-rose-900 ring-rose-200 dark:bg-rose-950 dark:text-rose-100 dark:ring-rose-900'
              : 'bg-white text-slate-900 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700'
          }`}
        >
          <span className="flex-1">{t.message}</span>
          <button
            type="button"
            onClick={() => dismissToast(t.id)}
            aria-label="Dismiss"
            className="-m-1 rounded p-1 opacity-70 hover:opacity-100"
          >
            <CloseIcon className="size-4" />
          </button>
        </div>
      ))}
    </div>
  );
}
