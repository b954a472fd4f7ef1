import { plainText } from '@parley/api/protocol';
import type { ReplyPreview } from './quote.ts';

/** A quote's words: its text without markup, what it carried, or that it is gone. */
export function quoteText(quote: ReplyPreview): string {
  if (quote.deleted) return 'Original message was deleted';
  const n = quote.attachmentCount;
  return plainText(quote.text) || (n === 1 ? 'Attachment' : `${n} attachments`);
}

/**
 * The message a reply answers, as a short quote: its sender and first line. In a bubble it is
 * a button to the original; in the composer it is plain.
 */
export function ReplyQuote({
  quote,
  name,
  mine = false,
  onOpen,
}: {
  quote: ReplyPreview;
  name: string;
  /** Inside one of my (accent-coloured) bubbles. */
  mine?: boolean;
  onOpen?: () => void;
}) {
  const body = (
    <>
      <span
        className={`block truncate text-xs font-semibold ${mine ? 'text-white' : 'text-indigo-800 dark:text-indigo-300'}`}
      >
        {name}
      </span>
      <span
        className={`line-clamp-2 text-[13px] ${quote.deleted ? 'italic' : ''} ${mine ? 'text-indigo-50' : 'text-slate-700 dark:text-slate-300'}`}
      >
        {quoteText(quote)}
      </span>
    </>
  );
  const box = `block w-full min-w-0 rounded-lg border-l-4 px-2 py-1 text-left ${mine ? 'border-white/70 bg-indigo-700/60' : 'border-indigo-500 bg-slate-100 dark:bg-slate-900/60'}`;
  if (!onOpen) return <span className={box}>{body}</span>;
  return (
    <button
      type="button"
      data-testid="reply-quote"
      onClick={onOpen}
      title="Show the original message"
      className={`${box} mb-1 hover:opacity-90`}
    >
      {body}
    </button>
  );
}
