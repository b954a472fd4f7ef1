import { formatDuration } from '@parley/api/protocol';
import { useEffect, useRef, useState } from 'react';
import type { VoiceAttachment } from '../../lib/media.ts';
import { PauseIcon, PlayIcon } from '../files/icons.tsx';

/** The one voice note playing: starting another pauses it. */
let playing: HTMLAudioElement | null = null;

/**
 * A voice note in a message: play/pause, a seek bar (a slider: arrows seek by 5 s) and the time.
 * The length is the server's (read from the recording): a recording made live has no length in
 * its header, so the browser's own may be unknown until the end.
 */
export function VoicePlayer({ voice, mine }: { voice: VoiceAttachment; mine: boolean }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [paused, setPaused] = useState(true);
  const [position, setPosition] = useState(0);
  const total = voice.durationMs / 1000;

  useEffect(() => {
    const element = audio.current;
    return () => {
      if (playing === element) playing = null;
    };
  }, []);

  function toggle() {
    const element = audio.current;
    if (!element) return;
    if (!element.paused) {
      element.pause();
      return;
    }
    if (playing && playing !== element) playing.pause();
    playing = element;
    if (element.ended || position >= total) element.currentTime = 0;
    void element.play().catch(() => setPaused(true));
  }

  function seek(seconds: number) {
    const element = audio.current;
    if (!element) return;
    element.currentTime = Math.min(Math.max(0, seconds), total);
    setPosition(element.currentTime);
  }

  const fraction = total > 0 ? Math.min(1, position / total) : 0;
  const shown = paused && position === 0 ? voice.durationMs : position * 1000;
  return (
    <div
      className="flex w-64 max-w-full items-center gap-2.5 px-1.5 py-1"
      data-testid="voice-player"
      data-playing={paused ? 'false' : 'true'}
    >
      <audio
        ref={audio}
        src={voice.url}
        preload="auto"
        onPlay={() => setPaused(false)}
        onPause={() => setPaused(true)}
        onEnded={() => {
          setPaused(true);
          setPosition(total);
        }}
        onTimeUpdate={(e) => setPosition(Math.min(e.currentTarget.currentTime, total))}
      />
      <button
        type="button"
        onClick={toggle}
        aria-label={paused ? 'Play voice message' : 'Pause voice message'}
        data-testid="voice-play"
        className={`inline-flex size-10 shrink-0 items-center justify-center rounded-full transition focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:outline-none ${
          mine
            ? 'bg-white text-indigo-700 hover:bg-indigo-50'
            : 'bg-indigo-600 text-white hover:bg-indigo-500'
        }`}
      >
        {paused ? <PlayIcon className="ml-0.5 size-5" /> : <PauseIcon className="size-5" />}
      </button>
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <input
          type="range"
          min={0}
          max={Math.max(total, 0.1)}
          step={0.1}
          value={Math.min(position, total)}
          onChange={(e) => seek(Number(e.target.value))}
          aria-label="Seek"
          aria-valuetext={`${formatDuration(position * 1000)} of ${formatDuration(voice.durationMs)}`}
          data-testid="voice-seek"
          className={`voice-seek h-1.5 w-full cursor-pointer appearance-none rounded-full ${mine ? 'accent-white' : 'accent-indigo-600'}`}
          style={{
            background: `linear-gradient(to right, ${mine ? '#fff' : '#4f46e5'} ${fraction * 100}%, ${mine ? 'rgb(255 255 255 / 0.35)' : 'rgb(148 163 184 / 0.5)'} ${fraction * 100}%)`,
          }}
        />
        <span
          className={`text-xs tabular-nums ${mine ? 'text-indigo-50' : 'text-slate-600 dark:text-slate-300'}`}
          data-testid="voice-time"
        >
          {formatDuration(shown)}
        </span>
      </div>
    </div>
  );
}
