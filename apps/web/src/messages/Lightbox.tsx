import { useState } from 'react';
import type { ImageAttachment } from '../lib/media.ts';
import { BackIcon, CloseIcon } from '../ui/icons.tsx';
import { useModal } from '../ui/useModal.ts';

/**
 * An image at its display size over everything (a modal <dialog>: focus stays inside, Escape
 * closes). A click outside the image closes it; with several images, ←/→ step through them.
 * Focus goes back to what opened it.
 */
export function Lightbox({
  images,
  start,
  alt,
  onClose,
}: {
  images: readonly ImageAttachment[];
  start: number;
  alt: (index: number) => string;
  onClose: () => void;
}) {
  const dialog = useModal();
  const [index, setIndex] = useState(start);
  const image = images[index] ?? images[0]!;
  const many = images.length > 1;

  const step = (by: number) => setIndex((i) => (i + by + images.length) % images.length);

  return (
    <dialog
      ref={dialog}
      aria-label={alt(index)}
      data-testid="lightbox"
      onClose={onClose}
      onClick={(e) => {
        // The backdrop and the empty space around the image: everything but the controls.
        if (!(e.target as HTMLElement).closest('button')) onClose();
      }}
      onKeyDown={(e) => {
        if (!many) return;
        if (e.key === 'ArrowRight') step(1);
        else if (e.key === 'ArrowLeft') step(-1);
      }}
      className="m-0 h-dvh max-h-none w-dvw max-w-none bg-transparent p-0 backdrop:bg-slate-950/85 backdrop:backdrop-blur-sm"
    >
      <div className="flex size-full items-center justify-center p-4 md:p-10">
        <img
          key={image.id}
          src={image.url}
          alt={alt(index)}
          width={image.width}
          height={image.height}
          data-testid="lightbox-image"
          className="max-h-full max-w-full animate-pop rounded-lg object-contain shadow-2xl"
          style={{ aspectRatio: `${image.width} / ${image.height}` }}
        />
      </div>
      <button
        type="button"
        autoFocus
        onClick={onClose}
        aria-label="Close image"
        title="Close (Esc)"
        className="fixed top-3 right-3 inline-flex size-10 items-center justify-center rounded-full bg-white/15 text-white hover:bg-white/25 focus-visible:ring-2 focus-visible:ring-white focus-visible:outline-none"
      >
        <CloseIcon />
      </button>
      {many ? (
        <>
          <button
            type="button"
            onClick={() => step(-1)}
            aria-label="Previous image"
            className="fixed top-1/2 left-3 inline-flex size-10 -translate-y-1/2 items-center justify-center rounded-full bg-white/15 text-white hover:bg-white/25"
          >
            <BackIcon />
          </button>
          <button
            type="button"
            onClick={() => step(1)}
            aria-label="Next image"
            className="fixed top-1/2 right-3 inline-flex size-10 -translate-y-1/2 items-center justify-center rounded-full bg-white/15 text-white hover:bg-white/25"
          >
            <BackIcon className="size-5 rotate-180" />
          </button>
          <p className="fixed inset-x-0 bottom-4 text-center text-sm text-white/80">
            {index + 1} / {images.length}
          </p>
        </>
      ) : null}
    </dialog>
  );
}
