import { usePerson } from '../../realtime/hooks.ts';
import { CloseIcon } from '../../ui/icons.tsx';
import type { ComposerMode } from './composer-mode.ts';
import { ReplyQuote } from './ReplyQuote.tsx';

/** Above the message box: what is being answered or edited, with a way out (× or Escape). */
export function ComposerBanner({
  mode,
  me,
  onCancel,
}: {
  mode: ComposerMode;
  me: string;
  onCancel: () => void;
}) {
  const senderId = mode.kind === 'reply' ? mode.quote.senderId : me;
  const sender = usePerson(senderId === me ? null : senderId);
  const name = senderId === me ? 'You' : (sender?.displayName ?? 'Someone');
  const reply = mode.kind === 'reply';
  return (
    <div
      role="group"
      aria-label={reply ? `Replying to ${name}` : 'Editing message'}
      data-testid={reply ? 'reply-banner' : 'edit-banner'}
      className="mx-auto mb-2 flex max-w-3xl items-center gap-2"
    >
      <div className="min-w-0 flex-1">
        {reply ? (
          <ReplyQuote quote={mode.quote} name={name} />
        ) : (
          <>
            <p className="mb-0.5 text-xs font-semibold text-indigo-800 dark:text-indigo-300">
              Editing message
            </p>
            <p className="truncate border-l-4 border-indigo-500 pl-2 text-sm text-slate-700 dark:text-slate-300">
              {mode.text}
            </p>
          </>
        )}
      </div>
      <button
        type="button"
        onClick={onCancel}
        aria-label={reply ? 'Cancel reply' : 'Cancel editing'}
        title="Cancel (Esc)"
        className="inline-flex size-9 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        <CloseIcon className="size-4" />
      </button>
    </div>
  );
}
