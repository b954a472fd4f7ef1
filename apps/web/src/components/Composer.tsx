import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { useMediaQuery } from '../hooks/useMediaQuery.ts';
import type { UploadQueue } from '../hooks/useUploads.ts';
import { useSchemas } from '../lib/schemas.ts';
import { createTypingSender } from '../lib/typing.ts';
import { IMAGE_TYPES, imageFilesOf, MAX_ATTACHMENTS, type UploadItem } from '../lib/uploads.ts';
import { CloseIcon, ImageIcon, PaperclipIcon, SendIcon } from './icons.tsx';

const MAX = 4000;

/** An attached image before sending: its preview, upload progress, and a remove button. */
function UploadPreview({ item, onRemove }: { item: UploadItem; onRemove: () => void }) {
  const failed = item.status === 'failed';
  const percent = Math.round(item.progress * 100);
  // A file that is not really an image has nothing to preview.
  const [broken, setBroken] = useState(false);
  return (
    <li
      data-testid="upload-preview"
      data-status={item.status}
      title={failed ? (item.error ?? 'The upload failed.') : item.name}
      className={`relative size-20 shrink-0 overflow-hidden rounded-xl bg-slate-100 ring-1 dark:bg-slate-800 ${failed ? 'ring-2 ring-rose-500' : 'ring-slate-200 dark:ring-slate-700'}`}
    >
      {broken ? (
        <span className="flex size-full items-center justify-center text-slate-400">
          <ImageIcon className="size-8" />
        </span>
      ) : (
        <img
          src={item.previewUrl}
          alt={item.name}
          onError={() => setBroken(true)}
          className={`size-full object-cover ${item.status === 'uploading' ? 'opacity-60' : ''} ${failed ? 'opacity-40 grayscale' : ''}`}
        />
      )}
      {item.status === 'uploading' ? (
        <div
          role="progressbar"
          aria-label={`Uploading ${item.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          data-testid="upload-progress"
          className="absolute inset-x-1.5 bottom-1.5 h-1.5 overflow-hidden rounded-full bg-white/70 dark:bg-slate-900/70"
        >
          <div
            className="h-full rounded-full bg-indigo-600 transition-[width] duration-150"
            style={{ width: `${percent}%` }}
          />
        </div>
      ) : null}
      {failed ? (
        <span className="absolute inset-x-0 bottom-0 bg-rose-600/90 px-1 py-0.5 text-center text-[10px] font-medium text-white">
          Failed
        </span>
      ) : null}
      <button
        type="button"
        onClick={onRemove}
        aria-label={`Remove ${item.name}`}
        title="Remove"
        className="absolute top-1 right-1 inline-flex size-6 items-center justify-center rounded-full bg-slate-900/70 text-white hover:bg-slate-900"
      >
        <CloseIcon className="size-3.5" />
      </button>
    </li>
  );
}

/**
 * Enter sends, Shift+Enter breaks the line; the draft is kept per conversation. Images come by
 * the attach button, paste, or a drop on the conversation (`uploads`, owned by the view); a
 * message with images waits here until they are uploaded, then goes through the outbox.
 */
export function Composer({
  peerId,
  peerName,
  uploads,
}: {
  peerId: string;
  peerName: string;
  uploads: UploadQueue;
}) {
  const { engine, drafts } = useChat();
  const [text, setText] = useState(() => drafts.get(peerId));
  const ref = useRef<HTMLTextAreaElement>(null);
  const wide = useMediaQuery('(min-width: 768px)');
  const typing = useMemo(
    () => createTypingSender((isTyping) => engine.sendTyping(peerId, isTyping), Date.now),
    [engine, peerId],
  );
  useEffect(() => () => typing.stop(), [typing]);

  useEffect(() => {
    if (wide) ref.current?.focus();
  }, [wide]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  // Until the schemas load, only emptiness is checked here; the server checks the rest.
  const schemas = useSchemas();
  const check = schemas?.messageText.safeParse(text) ?? {
    success: true as const,
    data: text.trim(),
  };
  const error = check.success ? null : (check.error.issues[0]?.message ?? null);
  const { items, summary } = uploads;
  const hasImages = items.length > 0;
  const canSend = check.success && (check.data.length > 0 || hasImages) && summary.failed === 0;
  /** Send was pressed while images were still uploading: it goes as soon as they are done. */
  const [waiting, setWaiting] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  function sendNow(body: string) {
    engine.send(peerId, body, summary.attachments);
    uploads.clear();
    setText('');
    drafts.set(peerId, '');
    typing.stop();
    setWaiting(false);
    ref.current?.focus();
  }

  function submit() {
    if (!canSend || waiting || !check.success) return;
    if (hasImages && !summary.ready) {
      setWaiting(true);
      return;
    }
    sendNow(check.data);
  }

  // The uploads the message waited for are done (or one failed: then it stays for a decision).
  // The text is read-only while waiting, so the message sent is the one the user confirmed.
  const latest = useRef({ sendNow, body: check.success ? check.data : null });
  useLayoutEffect(() => {
    latest.current = { sendNow, body: check.success ? check.data : null };
  });
  useEffect(() => {
    if (!waiting) return;
    if (summary.failed > 0 || !hasImages) setWaiting(false);
    else if (summary.ready && latest.current.body !== null)
      latest.current.sendNow(latest.current.body);
  }, [waiting, summary, hasImages]);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="border-t border-slate-200 bg-white px-3 py-2.5 pb-[max(0.625rem,env(safe-area-inset-bottom))] md:px-6 dark:border-slate-800 dark:bg-slate-950"
    >
      {hasImages ? (
        <ul
          className="scrollbar-thin mx-auto mb-2 flex max-w-3xl gap-2 overflow-x-auto pt-0.5 pb-1"
          aria-label="Attached images"
          data-testid="upload-previews"
        >
          {items.map((item) => (
            <UploadPreview key={item.id} item={item} onRemove={() => uploads.remove(item.id)} />
          ))}
        </ul>
      ) : null}
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <input
          ref={fileInput}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          multiple
          hidden
          data-testid="attach-input"
          onChange={(e) => {
            uploads.add(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          disabled={items.length >= MAX_ATTACHMENTS || waiting}
          aria-label="Attach images"
          title={`Attach images (up to ${MAX_ATTACHMENTS})`}
          className="inline-flex size-10 shrink-0 items-center justify-center rounded-full text-slate-500 transition hover:bg-slate-100 hover:text-indigo-600 disabled:opacity-40 dark:text-slate-400 dark:hover:bg-slate-800"
        >
          <PaperclipIcon />
        </button>
        <textarea
          ref={ref}
          rows={1}
          value={text}
          aria-label="Message"
          aria-invalid={error ? true : undefined}
          placeholder={hasImages ? 'Add a caption…' : `Message ${peerName}`}
          readOnly={waiting}
          onPaste={(e) => {
            const files = imageFilesOf(e.clipboardData);
            if (!files.length) return;
            e.preventDefault();
            uploads.add(files);
          }}
          onChange={(e) => {
            setText(e.target.value);
            drafts.set(peerId, e.target.value);
            typing.input(e.target.value);
          }}
          onBlur={() => typing.stop()}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          className="scrollbar-thin max-h-40 min-h-10 flex-1 resize-none rounded-2xl border border-slate-300 bg-white px-4 py-2 text-[15px] leading-normal outline-none placeholder:text-slate-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100 dark:border-slate-700 dark:bg-slate-900 dark:focus:ring-indigo-950"
        />
        <button
          type="submit"
          disabled={!canSend || waiting}
          aria-label={waiting ? 'Sending when the images are uploaded' : 'Send'}
          title="Send (Enter)"
          className={`inline-flex size-10 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white shadow-sm transition hover:bg-indigo-500 ${waiting ? '' : 'disabled:bg-slate-300 disabled:shadow-none dark:disabled:bg-slate-700'}`}
        >
          {waiting ? (
            <span className="size-4 animate-spin rounded-full border-2 border-white border-t-transparent" />
          ) : (
            <SendIcon />
          )}
        </button>
      </div>
      {waiting ? (
        <p
          className="mx-auto mt-1 max-w-3xl text-right text-xs text-slate-500"
          data-testid="waiting-uploads"
          aria-live="polite"
        >
          Sending when the {items.length === 1 ? 'image is' : 'images are'} uploaded (
          {Math.round(summary.progress * 100)}%)…
        </p>
      ) : null}
      {error || text.length > MAX - 500 ? (
        <p
          className={`mx-auto mt-1 max-w-3xl text-right text-xs ${error ? 'text-rose-600' : 'text-slate-500'}`}
          role={error ? 'alert' : undefined}
        >
          {error ?? `${text.length} / ${MAX}`}
        </p>
      ) : null}
    </form>
  );
}
