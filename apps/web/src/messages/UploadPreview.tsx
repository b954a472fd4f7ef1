import { useState } from 'react';
import { CloseIcon, ImageIcon } from '../ui/icons.tsx';
import { FileIcon } from './files/icons.tsx';
import { formatBytes, type UploadItem } from './uploads.ts';

/** An attached image or file before sending: its preview, upload progress, and a remove button. */
export function UploadPreview({ item, onRemove }: { item: UploadItem; onRemove: () => void }) {
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
      {item.kind === 'file' ? (
        <span
          className={`flex size-full flex-col items-center justify-center gap-0.5 px-1 text-slate-600 dark:text-slate-300 ${item.status === 'uploading' ? 'opacity-70' : ''}`}
          data-testid="upload-file"
        >
          <FileIcon className="size-6" />
          <span className="w-full truncate text-center text-[10px] leading-tight">{item.name}</span>
          <span className="text-[10px] leading-tight">{formatBytes(item.size)}</span>
        </span>
      ) : broken ? (
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
