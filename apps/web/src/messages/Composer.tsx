import {
  Suspense,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useChat } from '../app/session-context.ts';
import type { Destination, PublicUser } from '../lib/protocol.ts';
import { lazyComponent } from '../lib/lazy-component.ts';
import { useSchemas } from '../lib/schemas.ts';
import { useStore } from '../lib/store.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import { createTypingSender } from '../realtime/typing.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { CheckIcon, PaperclipIcon, SendIcon } from '../ui/icons.tsx';
import { ComposerBanner } from './actions/lazy-parts.ts';
import { useComposerMode } from './actions/useComposerMode.ts';
import { draftKey } from './drafts.ts';
import { insertMention, matchMembers, mentionAt } from './mentions.ts';
import { imageFilesOf, MAX_ATTACHMENTS } from './uploads.ts';
import type { UploadQueue } from './useUploads.ts';
import { EmojiButton } from './emoji/EmojiButton.tsx';
import { VoiceRecorder } from './voice/VoiceRecorder.tsx';

// The attached files' previews load when the paperclip is pointed at or focused (or when a
// pasted or dropped file first shows).
const UploadPreview = lazyComponent(() =>
  import('./UploadPreview.tsx').then((m) => m.UploadPreview),
);

export const MAX_MESSAGE_LENGTH = 4000;
/** The counter shows from this many characters on. */
const COUNTER_FROM = MAX_MESSAGE_LENGTH - 500;

/**
 * "Message Alice" (a person: the first name), "Message Night shift cr…" (a group): short enough
 * for one line on a phone.
 */
export function placeholderFor(name: string, group = false): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const shown = group ? words.join(' ') : (words[0] ?? '');
  const max = group ? 16 : 18;
  const short = shown.length > max ? `${shown.slice(0, max - 1).trimEnd()}…` : shown;
  return short ? `Message ${short}` : 'Message';
}

/**
 * What Enter does: on a keyboard it sends (Shift+Enter breaks the line); on a touch screen it
 * breaks the line, and the send button sends.
 */
export function enterSends(e: { shiftKey: boolean; isComposing: boolean }, touch: boolean) {
  return !touch && !e.shiftKey && !e.isComposing;
}

/**
 * The message box: the draft is kept per conversation; images come by the attach button, paste,
 * or a drop on the conversation (`uploads`, owned by the view), and a message with images waits
 * until they are uploaded, then goes through the outbox. In groups, "@" offers the members. It
 * also answers a message (a reply) or edits one of mine (↑ in an empty box: the last); Escape
 * or × stops either.
 */
export function Composer({
  destination,
  name,
  uploads,
  mentionable,
  group = false,
}: {
  destination: Destination;
  /** Who the message goes to, for the placeholder. */
  name: string;
  /** A group: its whole title (shortened) in the placeholder, not a first name. */
  group?: boolean;
  uploads: UploadQueue;
  /** Members that "@" offers (groups only). */
  mentionable: readonly PublicUser[];
}) {
  const { engine, drafts } = useChat();
  const key = draftKey(destination);
  const conversationId = 'conversationId' in destination ? destination.conversationId : null;
  const [text, setText] = useState(() => drafts.get(key));
  const composer = useComposerMode(conversationId, engine.me);
  const mode = composer.mode;
  const editing = mode?.kind === 'edit' ? mode : null;
  const replyingTo = mode?.kind === 'reply' ? mode.quote : null;
  // Editing shows the message's text; stopping brings the draft back.
  const [shownEdit, setShownEdit] = useState<string | null>(null);
  if (shownEdit !== (editing?.messageId ?? null)) {
    setShownEdit(editing?.messageId ?? null);
    setText(editing ? editing.text : drafts.get(key));
  }
  const modeKey = mode
    ? `${mode.kind}:${mode.kind === 'edit' ? mode.messageId : mode.quote.messageId}`
    : null;
  useEffect(() => {
    const el = ref.current;
    if (!modeKey || !el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, [modeKey]);
  const [caret, setCaret] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const wide = useMediaQuery('(min-width: 768px)');
  const touch = useMediaQuery('(pointer: coarse)');
  const online = useStore(engine.connection) === 'online';
  const typing = useMemo(
    () =>
      createTypingSender((isTyping) => {
        if (conversationId) engine.sendTyping(conversationId, isTyping);
      }, Date.now),
    [engine, conversationId],
  );
  useEffect(() => () => typing.stop(), [typing]);

  useEffect(() => {
    if (wide && !touch) ref.current?.focus();
  }, [wide, touch]);

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
  const canSend = editing
    ? check.success && check.data.length > 0
    : check.success && (check.data.length > 0 || hasImages) && summary.failed === 0;
  /** Send was pressed while images were still uploading: it goes as soon as they are done. */
  const [waiting, setWaiting] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  // "@" autocomplete: the members matching what follows the @ at the caret.
  const listId = useId();
  const mention = mentionable.length ? mentionAt(text, caret) : null;
  const mentionQuery = mention?.query ?? null;
  const candidates = useMemo(
    () =>
      mentionQuery === null
        ? []
        : matchMembers(
            mentionable.filter((u) => u.id !== engine.me),
            mentionQuery,
          ),
    [mentionQuery, mentionable, engine.me],
  );
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const picking = candidates.length > 0 && mention !== null && dismissed !== mention.start;
  const activeIndex = Math.min(active, candidates.length - 1);

  function update(next: string, nextCaret: number) {
    setText(next);
    setCaret(nextCaret);
    setActive(0);
    if (editing) return;
    drafts.set(key, next);
    typing.input(next);
  }

  function pick(user: PublicUser) {
    if (!mention) return;
    const result = insertMention(text, mention.start, caret, user.username);
    update(result.text, result.caret);
    // This @ is done: the list does not come back for it while the caret moves about.
    setDismissed(mention.start);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(result.caret, result.caret);
    });
  }

  const focusBox = useCallback(() => ref.current?.focus(), []);

  /** An emoji from the picker, in place of the selection (the picker keeps the focus). */
  function insertEmoji(emoji: string) {
    const box = ref.current;
    const start = box?.selectionStart ?? text.length;
    const end = box?.selectionEnd ?? start;
    const at = start + emoji.length;
    update(text.slice(0, start) + emoji + text.slice(end), at);
    requestAnimationFrame(() => box?.setSelectionRange(at, at));
  }

  function sendNow(body: string) {
    engine.send(destination, body, summary.attachments, replyingTo);
    if (replyingTo) composer.cancel();
    uploads.clear();
    setText('');
    setCaret(0);
    drafts.set(key, '');
    typing.stop();
    setWaiting(false);
    ref.current?.focus();
  }

  function submit() {
    if (!canSend || waiting || !check.success) return;
    if (editing) {
      if (check.data === editing.text) composer.cancel();
      else void composer.saveEdit(editing.messageId, check.data);
      return;
    }
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

  const over = text.length > MAX_MESSAGE_LENGTH;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="relative border-t border-slate-200 bg-white px-3 py-2.5 pb-[max(0.625rem,env(safe-area-inset-bottom))] md:px-6 dark:border-slate-800 dark:bg-slate-950"
    >
      {picking ? (
        <ul
          id={listId}
          role="listbox"
          aria-label="Mention someone"
          data-testid="mention-options"
          className="absolute bottom-full left-3 z-20 mb-1 w-72 max-w-[calc(100%-1.5rem)] overflow-hidden rounded-xl bg-white py-1 shadow-lg ring-1 ring-slate-200 md:left-6 dark:bg-slate-800 dark:ring-slate-700"
        >
          {candidates.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              data-testid="mention-option"
              onMouseDown={(e) => {
                e.preventDefault();
                pick(u);
              }}
              className={`flex cursor-pointer items-center gap-2 px-3 py-2 text-sm ${i === activeIndex ? 'bg-indigo-50 dark:bg-indigo-950' : ''}`}
            >
              <Avatar user={u} size="xs" />
              <span className="min-w-0 truncate font-medium">{u.displayName}</span>
              <span className="truncate text-slate-600 dark:text-slate-400">@{u.username}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {mode ? (
        <Suspense fallback={null}>
          <ComposerBanner mode={mode} me={engine.me} onCancel={composer.cancel} />
        </Suspense>
      ) : null}
      {hasImages ? (
        <Suspense fallback={null}>
          <ul
            className="scrollbar-thin mx-auto mb-2 flex max-w-3xl gap-2 overflow-x-auto pt-0.5 pb-1"
            aria-label="Attached images"
            data-testid="upload-previews"
          >
            {items.map((item) => (
              <UploadPreview key={item.id} item={item} onRemove={() => uploads.remove(item.id)} />
            ))}
          </ul>
        </Suspense>
      ) : null}
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <input
          ref={fileInput}
          type="file"
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
          onPointerEnter={UploadPreview.preload}
          onFocus={UploadPreview.preload}
          disabled={items.length >= MAX_ATTACHMENTS || waiting || !!editing}
          aria-label="Attach files"
          title={`Attach images or files (up to ${MAX_ATTACHMENTS})`}
          className="inline-flex size-11 shrink-0 items-center justify-center rounded-full text-slate-600 transition hover:bg-slate-100 hover:text-indigo-700 disabled:opacity-40 dark:text-slate-300 dark:hover:bg-slate-800"
        >
          <PaperclipIcon />
        </button>
        <EmojiButton onPick={insertEmoji} onClose={focusBox} disabled={waiting} />
        <textarea
          ref={ref}
          rows={1}
          value={text}
          aria-label="Message"
          aria-invalid={error ? true : undefined}
          aria-autocomplete={mentionable.length ? 'list' : undefined}
          aria-controls={picking ? listId : undefined}
          aria-activedescendant={picking ? `${listId}-${activeIndex}` : undefined}
          enterKeyHint={touch ? 'enter' : 'send'}
          placeholder={hasImages ? 'Add a caption…' : placeholderFor(name, group)}
          readOnly={waiting}
          onPaste={(e) => {
            const files = imageFilesOf(e.clipboardData);
            if (!files.length) return;
            e.preventDefault();
            uploads.add(files);
          }}
          onChange={(e) => update(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onFocus={ComposerBanner.preload}
          onBlur={() => typing.stop()}
          onKeyDown={(e) => {
            if (picking) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const step = e.key === 'ArrowDown' ? 1 : -1;
                setActive((activeIndex + step + candidates.length) % candidates.length);
                return;
              }
              if (e.key === 'Enter' || e.key === 'Tab') {
                e.preventDefault();
                pick(candidates[activeIndex]!);
                return;
              }
              if (e.key === 'Escape') {
                e.preventDefault();
                setDismissed(mention.start);
                return;
              }
            }
            if (e.key === 'Escape' && mode) {
              e.preventDefault();
              composer.cancel();
              return;
            }
            if (e.key === 'ArrowUp' && !mode && !text && composer.editLast()) {
              e.preventDefault();
              return;
            }
            if (
              e.key === 'Enter' &&
              enterSends({ shiftKey: e.shiftKey, isComposing: e.nativeEvent.isComposing }, touch)
            ) {
              e.preventDefault();
              submit();
            }
          }}
          className="scrollbar-thin max-h-40 min-h-11 flex-1 resize-none rounded-2xl border border-slate-300 bg-white px-4 py-2 text-base leading-normal outline-none placeholder:truncate placeholder:text-slate-500 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100 dark:border-slate-700 dark:bg-slate-900 dark:placeholder:text-slate-400 dark:focus:ring-indigo-950"
        />
        <VoiceRecorder
          onRecorded={(voice) => {
            engine.send(destination, '', [voice], replyingTo);
            if (replyingTo) composer.cancel();
          }}
          disabled={waiting || !!editing}
        />
        <button
          type="submit"
          disabled={!canSend || waiting}
          aria-label={
            waiting ? 'Sending when the images are uploaded' : editing ? 'Save edit' : 'Send'
          }
          title={editing ? 'Save edit' : touch ? 'Send' : 'Send (Enter)'}
          className={`inline-flex size-11 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white shadow-sm transition hover:bg-indigo-500 ${waiting ? '' : 'disabled:bg-slate-300 disabled:text-slate-600 disabled:shadow-none dark:disabled:bg-slate-700 dark:disabled:text-slate-300'}`}
        >
          {waiting ? (
            <span className="size-4 animate-spin rounded-full border-2 border-white border-t-transparent" />
          ) : editing ? (
            <CheckIcon />
          ) : (
            <SendIcon />
          )}
        </button>
      </div>
      {waiting ? (
        <p
          className="mx-auto mt-1 max-w-3xl text-right text-xs text-slate-600 dark:text-slate-400"
          data-testid="waiting-uploads"
          aria-live="polite"
        >
          Sending when the {items.length === 1 ? 'image is' : 'images are'} uploaded (
          {Math.round(summary.progress * 100)}%)…
        </p>
      ) : null}
      {!online && !waiting ? (
        <p className="sr-only" aria-live="polite">
          Offline: messages are sent when the connection is back.
        </p>
      ) : null}
      {error || text.length > COUNTER_FROM ? (
        <p
          className={`mx-auto mt-1 flex max-w-3xl justify-end gap-3 text-xs ${error || over ? 'text-rose-700 dark:text-rose-300' : 'text-slate-600 dark:text-slate-400'}`}
          role={error ? 'alert' : undefined}
          data-testid="composer-counter"
          data-over={over ? 'true' : undefined}
        >
          {error && !over ? <span>{error}</span> : null}
          <span>
            {text.length} / {MAX_MESSAGE_LENGTH}
          </span>
        </p>
      ) : null}
    </form>
  );
}
