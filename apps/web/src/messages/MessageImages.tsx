import { lazy, Suspense, useState } from 'react';
import { attachmentLayout, type ImageAttachment } from '../lib/media.ts';
const Lightbox = lazy(() => import('./Lightbox.tsx').then((m) => ({ default: m.Lightbox })));

/**
 * The images of a message, each in a box of its final size before a byte arrives (so the list
 * never jumps), lazily loaded: the thumbnail, or the display variant on dense screens. A click
 * (or Enter/Space) opens the lightbox.
 */
export function MessageImages({
  attachments,
  senderName,
}: {
  attachments: readonly ImageAttachment[];
  senderName: string;
}) {
  const [open, setOpen] = useState<number | null>(null);
  const { columns, cells } = attachmentLayout(attachments);
  const alt = (i: number) =>
    attachments.length > 1
      ? `Photo ${i + 1} of ${attachments.length} from ${senderName}`
      : `Photo from ${senderName}`;
  return (
    <>
      <div
        className={`grid max-w-full gap-1 ${columns === 2 ? 'grid-cols-2' : 'grid-cols-1'}`}
        data-testid="message-images"
      >
        {attachments.map((a, i) => {
          const box = cells[i]!;
          return (
            <button
              key={a.id}
              type="button"
              onClick={() => setOpen(i)}
              aria-label={`Open ${alt(i).replace(/^Photo/, 'photo')}`}
              data-testid="message-image"
              className="block max-w-full overflow-hidden rounded-xl bg-slate-200 focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:outline-none dark:bg-slate-700"
              style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
            >
              <img
                src={a.thumbUrl}
                srcSet={`${a.thumbUrl} ${a.thumbWidth}w, ${a.url} ${a.width}w`}
                sizes={`${box.width}px`}
                width={box.width}
                height={box.height}
                loading="lazy"
                decoding="async"
                alt={alt(i)}
                className="size-full object-cover"
              />
            </button>
          );
        })}
      </div>
      {open !== null ? (
        <Suspense fallback={null}>
          <Lightbox images={attachments} start={open} alt={alt} onClose={() => setOpen(null)} />
        </Suspense>
      ) : null}
    </>
  );
}
