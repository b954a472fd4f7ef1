import type { FileAttachment } from '../../lib/media.ts';
import { formatBytes } from '../uploads.ts';
import { fileLabel, isArchive } from './file-kind.ts';
import { ArchiveIcon, DownloadIcon, FileIcon } from './icons.tsx';

/**
 * A file in a message: its type, name and size, as one download link. The server only ever
 * serves it as a download (Content-Disposition: attachment), never opened in the page.
 */
export function FileCard({ file, mine }: { file: FileAttachment; mine: boolean }) {
  const label = fileLabel(file.mime, file.name);
  const Icon = isArchive(label) ? ArchiveIcon : FileIcon;
  return (
    <a
      href={file.url}
      download={file.name}
      data-testid="file-card"
      aria-label={`Download ${file.name}, ${label}, ${formatBytes(file.size)}`}
      className={`flex w-72 max-w-full items-center gap-3 rounded-xl px-3 py-2.5 no-underline transition focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:outline-none ${
        mine
          ? 'bg-indigo-700/60 text-white hover:bg-indigo-700'
          : 'bg-slate-100 text-slate-900 hover:bg-slate-200 dark:bg-slate-700/60 dark:text-slate-100 dark:hover:bg-slate-700'
      }`}
    >
      <span
        className={`relative flex size-10 shrink-0 items-center justify-center rounded-lg ${mine ? 'bg-white/15' : 'bg-white text-indigo-700 dark:bg-slate-800 dark:text-indigo-300'}`}
      >
        <Icon className="size-6" />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium" data-testid="file-name">
          {file.name}
        </span>
        <span
          className={`block text-xs ${mine ? 'text-indigo-100' : 'text-slate-600 dark:text-slate-300'}`}
        >
          {label} · {formatBytes(file.size)}
        </span>
      </span>
      <DownloadIcon className="size-5 shrink-0 opacity-80" />
    </a>
  );
}
