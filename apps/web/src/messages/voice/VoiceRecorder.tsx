import { formatDuration } from '@parley/api/protocol';
import { useEffect, useRef, useState } from 'react';
import type { Attachment } from '../../lib/media.ts';
import { SendIcon } from '../../ui/icons.tsx';
import { MicIcon, TrashIcon } from '../files/icons.tsx';
import { onRelease, SLIDE_CANCEL_PX } from './recording.ts';
import { useVoiceRecorder } from './useVoiceRecorder.ts';

/** The time since `startedAt`, ticking. */
function Elapsed({ startedAt }: { startedAt: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <span className="tabular-nums" data-testid="voice-elapsed">
      {formatDuration(Math.max(0, now - startedAt))}
    </span>
  );
}

/**
 * The composer's record button and, while recording or uploading, the bar over the composer:
 * cancel, the time, send. A tap starts (and a tap on send stops and sends); on a touch screen a
 * hold records until released (sent), sliding left cancels. Escape cancels.
 */
export function VoiceRecorder({
  onRecorded,
  disabled = false,
}: {
  onRecorded: (attachment: Attachment) => void;
  disabled?: boolean;
}) {
  const { state, start, send, cancel } = useVoiceRecorder(onRecorded);
  const press = useRef<{ at: number; x: number } | null>(null);
  const touched = useRef(false);
  const [slid, setSlid] = useState(0);
  const busy = state.phase !== 'idle';

  useEffect(() => {
    if (!busy) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // Before anything else hears it: Escape here cancels the recording, nothing more.
      e.preventDefault();
      e.stopPropagation();
      cancel();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [busy, cancel]);

  return (
    <>
      <button
        type="button"
        disabled={disabled || busy}
        aria-label="Record a voice message"
        title="Record a voice message (hold on a touch screen)"
        data-testid="voice-record"
        onClick={() => {
          // A touch press was handled by the pointer events (the click follows its release).
          if (touched.current) touched.current = false;
          else void start();
        }}
        onPointerDown={(e) => {
          if (e.pointerType !== 'touch') return;
          touched.current = true;
          press.current = { at: Date.now(), x: e.clientX };
          setSlid(0);
          e.currentTarget.setPointerCapture(e.pointerId);
          void start();
        }}
        onPointerMove={(e) => {
          if (press.current) setSlid(Math.min(0, e.clientX - press.current.x));
        }}
        onPointerUp={(e) => {
          const held = press.current;
          press.current = null;
          if (!held) return;
          e.preventDefault();
          const action = onRelease({ heldMs: Date.now() - held.at, slidPx: e.clientX - held.x });
          setSlid(0);
          if (action === 'send') send();
          else if (action === 'cancel') cancel();
        }}
        className="inline-flex size-11 shrink-0 items-center justify-center rounded-full text-slate-600 transition hover:bg-slate-100 hover:text-indigo-700 disabled:opacity-40 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        <MicIcon />
      </button>
      {busy ? (
        <div
          role="group"
          aria-label="Voice message"
          data-testid="voice-recorder"
          data-phase={state.phase}
          className="absolute inset-0 z-10 flex items-center bg-white px-3 md:px-6 dark:bg-slate-950"
        >
          <div className="mx-auto flex w-full max-w-3xl items-center gap-2">
            <button
              type="button"
              onClick={cancel}
              aria-label="Cancel the voice message"
              title="Cancel (Esc)"
              data-testid="voice-cancel"
              className="inline-flex size-11 shrink-0 items-center justify-center rounded-full text-rose-700 transition hover:bg-rose-50 dark:text-rose-300 dark:hover:bg-rose-950"
            >
              <TrashIcon />
            </button>
            <div
              className="flex min-w-0 flex-1 items-center gap-2 text-sm text-slate-700 dark:text-slate-200"
              aria-live="polite"
            >
              {state.phase === 'uploading' ? (
                <>
                  <span>Sending…</span>
                  <div
                    role="progressbar"
                    aria-label="Uploading the voice message"
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(state.progress * 100)}
                    className="h-1.5 flex-1 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
                  >
                    <div
                      className="h-full rounded-full bg-indigo-600 transition-[width]"
                      style={{ width: `${Math.round(state.progress * 100)}%` }}
                    />
                  </div>
                </>
              ) : (
                <>
                  <span className="size-2.5 shrink-0 animate-pulse rounded-full bg-rose-600" />
                  {state.phase === 'recording' ? (
                    <Elapsed startedAt={state.startedAt} />
                  ) : (
                    <span>0:00</span>
                  )}
                  <span className="truncate text-slate-600 dark:text-slate-400">
                    {slid < 0
                      ? slid <= -SLIDE_CANCEL_PX
                        ? 'Release to cancel'
                        : '‹ Slide to cancel'
                      : 'Recording…'}
                  </span>
                </>
              )}
            </div>
            <button
              type="button"
              onClick={send}
              disabled={state.phase !== 'recording'}
              aria-label="Send the voice message"
              data-testid="voice-send"
              className="inline-flex size-11 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white shadow-sm transition hover:bg-indigo-500 disabled:opacity-50"
            >
              <SendIcon />
            </button>
          </div>
        </div>
      ) : null}
    </>
  );
}
