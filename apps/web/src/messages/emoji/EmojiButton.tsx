import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { SmileIcon } from '../../ui/icons.tsx';

const EmojiPicker = lazy(() =>
  import('./EmojiPicker.tsx').then((m) => ({ default: m.EmojiPicker })),
);

/**
 * The composer's emoji button and the picker it opens above the composer (loaded the first time
 * it is asked for). The picker stays open for several emoji; Escape, the button or a click
 * elsewhere closes it and gives the focus back to the message box.
 */
export function EmojiButton({
  onPick,
  onClose,
  disabled = false,
}: {
  onPick: (emoji: string) => void;
  onClose: () => void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = () => {
      setOpen(false);
      onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close();
      }
    };
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) close();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onDown);
    };
  }, [open, onClose]);

  return (
    <div ref={root} className="contents">
      <button
        type="button"
        onClick={() => {
          if (open) onClose();
          setOpen(!open);
        }}
        disabled={disabled}
        aria-label="Emoji"
        aria-expanded={open}
        aria-haspopup="dialog"
        title="Emoji"
        data-testid="emoji-button"
        className="inline-flex size-11 shrink-0 items-center justify-center rounded-full text-slate-600 transition hover:bg-slate-100 hover:text-indigo-700 disabled:opacity-40 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        <SmileIcon />
      </button>
      {open ? (
        <div
          role="dialog"
          aria-label="Choose an emoji"
          className="absolute right-2 bottom-full z-30 mb-1 w-[min(22rem,calc(100vw-1rem))] overflow-hidden rounded-xl shadow-lg ring-1 ring-slate-200 md:right-6 dark:ring-slate-700"
        >
          <Suspense
            fallback={
              <p className="bg-white p-4 text-sm text-slate-600 dark:bg-slate-900 dark:text-slate-300">
                Loading emoji…
              </p>
            }
          >
            <EmojiPicker onPick={onPick} />
          </Suspense>
        </div>
      ) : null}
    </div>
  );
}
