import { memo } from 'react';
import { formatTime } from '../lib/format.ts';
import type { DeliveryStatus, DisplayMessage } from '../lib/timeline.ts';
import { AlertIcon, CheckCheckIcon, CheckIcon, ClockIcon } from './icons.tsx';
import { MessageImages } from './MessageImages.tsx';

const TICK_LABEL: Record<DeliveryStatus, string> = {
  pending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
};

export function Ticks({ status }: { status: DeliveryStatus }) {
  const label = TICK_LABEL[status];
  const icon =
    status === 'pending' ? (
      <ClockIcon className="size-3.5" />
    ) : status === 'sent' ? (
      <CheckIcon className="size-4" />
    ) : status === 'failed' ? (
      <AlertIcon className="size-4" />
    ) : (
      <CheckCheckIcon className={`size-4 ${status === 'read' ? 'text-cyan-300' : ''}`} />
    );
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      data-testid="ticks"
      data-status={status}
      className="inline-flex"
    >
      {icon}
    </span>
  );
}

/** One message. Mine on the right in the accent colour, theirs on the left. */
export const MessageBubble = memo(function MessageBubble({
  message: m,
  mine,
  last,
  onRetry,
  onDiscard,
  senderName = mine ? 'you' : 'them',
}: {
  message: DisplayMessage;
  mine: boolean;
  last: boolean;
  /** For the images' alt text. */
  senderName?: string;
  onRetry: (key: string) => void;
  onDiscard: (key: string) => void;
}) {
  const failed = m.status === 'failed';
  const images = m.attachments.length > 0;
  return (
    <div
      data-testid="message"
      data-key={m.key}
      data-mine={mine ? 'true' : 'false'}
      data-status={m.status ?? 'received'}
      className={`flex flex-col ${mine ? 'items-end' : 'items-start'} ${m.status === 'pending' ? 'animate-pop' : ''}`}
    >
      <div
        className={`max-w-[85%] rounded-2xl ${images ? 'p-1 pb-1.5' : 'px-3 py-1.5'} text-[15px] leading-snug shadow-sm sm:max-w-[70%] ${
          mine
            ? `bg-indigo-600 text-white ${last ? 'rounded-br-md' : ''} ${failed ? 'bg-rose-600' : ''} ${m.status === 'pending' ? 'opacity-80' : ''}`
            : `bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100 ${last ? 'rounded-bl-md' : ''}`
        }`}
      >
        {images ? <MessageImages attachments={m.attachments} senderName={senderName} /> : null}
        {m.text || !images ? (
          <p
            className={`break-words whitespace-pre-wrap ${images ? 'px-2 pt-1' : ''}`}
            data-testid="message-text"
          >
            {m.text}
          </p>
        ) : null}
        <p
          className={`-mb-0.5 flex items-center justify-end gap-1 text-[11px] ${images ? 'px-2' : ''} ${mine ? 'text-indigo-100' : 'text-slate-500 dark:text-slate-400'}`}
        >
          <time dateTime={m.createdAt.toISOString()}>{formatTime(m.createdAt)}</time>
          {mine && m.status ? <Ticks status={m.status} /> : null}
        </p>
      </div>
      {failed ? (
        <div
          className="mt-1 flex items-center gap-2 text-xs text-rose-600 dark:text-rose-400"
          role="group"
          aria-label="Message not sent"
        >
          <span>{m.error ?? 'Not sent.'}</span>
          <button
            type="button"
            onClick={() => onRetry(m.key)}
            className="font-semibold underline-offset-2 hover:underline"
          >
            Retry
          </button>
          <button
            type="button"
            onClick={() => onDiscard(m.key)}
            className="text-slate-500 underline-offset-2 hover:underline dark:text-slate-400"
          >
            Delete
          </button>
        </div>
      ) : null}
    </div>
  );
});
