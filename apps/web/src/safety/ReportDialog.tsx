import { useId, useState } from 'react';
import { toast } from '../app/toast.ts';
import { errorInfo } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { Field, FormError } from '../ui/Field.tsx';
import { dangerButton, secondaryButton } from './BlockDialog.tsx';
import { REASONS, type Reason } from './reasons.ts';
import { useIsBlocked, useSetBlocked, type Person } from './useBlocking.ts';

/**
 * Reports a person, or one of their messages (sent with the few before it), to the server's
 * administrators; blocking them too is one tick away.
 */
export function ReportDialog({
  user,
  messageId,
  onClose,
}: {
  /** The person reported (for a message: its sender). */
  user: Person;
  messageId?: string | undefined;
  onClose: () => void;
}) {
  const report = trpc.users.report.useMutation();
  const setBlocked = useSetBlocked();
  const blockedAlready = useIsBlocked(user.id);
  const [reason, setReason] = useState<Reason | null>(null);
  const [details, setDetails] = useState('');
  const [alsoBlock, setAlsoBlock] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const blockId = useId();
  const name = user.displayName;

  async function send(e: React.FormEvent) {
    e.preventDefault();
    if (!reason) {
      setError('Choose what is wrong.');
      return;
    }
    setError(null);
    try {
      await report.mutateAsync({
        ...(messageId ? { messageId } : { userId: user.id }),
        reason,
        details,
      });
    } catch (failure) {
      const info = errorInfo(failure);
      setFieldErrors(info.fieldErrors);
      setError(info.message);
      return;
    }
    toast('Report sent. The server’s administrators will look at it.', 'info');
    onClose();
    if (alsoBlock) await setBlocked(user, true);
  }

  return (
    <Dialog
      title={messageId ? 'Report message' : `Report ${name}`}
      onClose={onClose}
      testId="report-dialog"
    >
      <form onSubmit={(e) => void send(e)} noValidate className="space-y-4">
        <p className="text-sm text-slate-700 dark:text-slate-300">
          {messageId
            ? `The message and the few before it go to the server’s administrators, with your note. ${name} is not told.`
            : `The server’s administrators will look at ${name}’s account. ${name} is not told.`}
        </p>
        <fieldset className="space-y-1">
          <legend className="mb-1 text-sm font-medium text-slate-700 dark:text-slate-300">
            What is wrong?
          </legend>
          {REASONS.map((r) => (
            <label
              key={r.value}
              className="flex cursor-pointer items-center gap-3 rounded-lg px-2 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              <input
                type="radio"
                name="reason"
                value={r.value}
                checked={reason === r.value}
                onChange={() => setReason(r.value)}
                className="size-4 accent-indigo-600"
              />
              {r.label}
            </label>
          ))}
        </fieldset>
        <Field
          label="Anything to add? (optional)"
          name="details"
          multiline
          maxLength={1000}
          value={details}
          onChange={(e) => setDetails(e.target.value)}
          error={fieldErrors.details}
          hint={`${details.length} / 1000`}
        />
        {blockedAlready ? null : (
          <label htmlFor={blockId} className="flex cursor-pointer items-center gap-3 text-sm">
            <input
              id={blockId}
              type="checkbox"
              checked={alsoBlock}
              onChange={(e) => setAlsoBlock(e.target.checked)}
              className="size-4 accent-rose-700"
              data-testid="also-block"
            />
            Also block {name}
          </label>
        )}
        <FormError message={error} />
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className={secondaryButton}>
            Cancel
          </button>
          <button type="submit" disabled={report.isPending} className={dangerButton}>
            {report.isPending ? 'Sending…' : 'Send report'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
