import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { useMediaQuery } from '../hooks/useMediaQuery.ts';
import { useSchemas } from '../lib/schemas.ts';
import { createTypingSender } from '../lib/typing.ts';
import { SendIcon } from './icons.tsx';

const MAX = 4000;

/** Enter sends, Shift+Enter breaks the line; the draft is kept per conversation. */
export function Composer({ peerId, peerName }: { peerId: string; peerName: string }) {
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
  const canSend = check.success && check.data.length > 0;

  function submit() {
    if (!check.success || !check.data) return;
    engine.send(peerId, check.data);
    setText('');
    drafts.set(peerId, '');
    typing.stop();
    ref.current?.focus();
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="border-t border-slate-200 bg-white px-3 py-2.5 pb-[max(0.625rem,env(safe-area-inset-bottom))] md:px-6 dark:border-slate-800 dark:bg-slate-950"
    >
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <textarea
          ref={ref}
          rows={1}
          value={text}
          aria-label="Message"
          aria-invalid={error ? true : undefined}
          placeholder={`Message ${peerName}`}
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
          disabled={!canSend}
          aria-label="Send"
          title="Send (Enter)"
          className="inline-flex size-10 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white shadow-sm transition hover:bg-indigo-500 disabled:bg-slate-300 disabled:shadow-none dark:disabled:bg-slate-700"
        >
          <SendIcon />
        </button>
      </div>
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
