import { Dialog } from '../../ui/Dialog.tsx';

/** Asks before deleting: for everyone (when I may) or only for me. */
export function DeleteDialog({
  forEveryone,
  onDelete,
  onClose,
}: {
  /** Whether "for everyone" is offered. */
  forEveryone: boolean;
  onDelete: (forEveryone: boolean) => void;
  onClose: () => void;
}) {
  const button =
    'w-full rounded-xl px-4 py-2.5 text-sm font-semibold focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none';
  return (
    <Dialog title="Delete message?" onClose={onClose} testId="delete-dialog">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {forEveryone
          ? 'Deleted for everyone, it shows as “This message was deleted” to all. Deleted for you, only you stop seeing it.'
          : 'The message disappears for you; everyone else still sees it.'}
      </p>
      <div className="mt-4 flex flex-col gap-2">
        {forEveryone ? (
          <button
            type="button"
            onClick={() => onDelete(true)}
            className={`${button} bg-rose-700 text-white hover:bg-rose-600`}
          >
            Delete for everyone
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => onDelete(false)}
          className={`${button} ${forEveryone ? 'bg-rose-50 text-rose-800 ring-1 ring-rose-200 hover:bg-rose-100 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-900' : 'bg-rose-700 text-white hover:bg-rose-600'}`}
        >
          Delete for me
        </button>
        <button
          type="button"
          onClick={onClose}
          className={`${button} text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800`}
        >
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
