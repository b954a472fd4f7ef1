import { useState, type ReactNode } from 'react';
import { dragHasFiles, imageFilesOf } from '../messages/uploads.ts';
import type { UploadQueue } from '../messages/useUploads.ts';
import { ImageIcon } from '../ui/icons.tsx';

/** A conversation's column: images dropped anywhere on it are attached to the message. */
export function ChatFrame({
  label,
  dropTarget,
  uploads,
  hidden,
  children,
}: {
  label: string;
  /** Who dropped images go to, for the drop zone's words. */
  dropTarget: string;
  /** Null where nothing can be sent (a group I left). */
  uploads: UploadQueue | null;
  /** On a phone, with the info panel open over it. */
  hidden?: boolean;
  children: ReactNode;
}) {
  const [dragging, setDragging] = useState(false);
  return (
    <section
      className={`relative min-h-0 min-w-0 flex-1 flex-col ${hidden ? 'hidden md:flex' : 'flex'}`}
      aria-label={label}
      onDragOver={(e) => {
        if (!uploads || !dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!uploads || !dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        setDragging(false);
        uploads.add(imageFilesOf(e.dataTransfer));
      }}
    >
      {dragging ? (
        <div
          data-testid="drop-zone"
          className="pointer-events-none absolute inset-2 z-30 flex flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed border-indigo-400 bg-indigo-50/90 text-indigo-800 dark:bg-indigo-950/90 dark:text-indigo-100"
        >
          <ImageIcon className="size-10" />
          <p className="font-semibold">Drop files to send to {dropTarget}</p>
          <p className="text-sm">Images, documents, archives · up to 4 · 25 MB each</p>
        </div>
      ) : null}
      {children}
    </section>
  );
}
