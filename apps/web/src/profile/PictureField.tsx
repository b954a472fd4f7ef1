import { useRef } from 'react';
import { IMAGE_TYPES } from '../messages/uploads.ts';
import { Avatar } from '../ui/Avatar.tsx';
import type { usePictureUpload } from './usePictureUpload.ts';

/**
 * A picture with Change / Remove: the new one previewed at once with its upload's progress.
 * `removed` is the choice to drop the current picture (saved with the rest of the form).
 */
export function PictureField({
  face,
  upload,
  removed,
  onRemove,
  label,
}: {
  face: { id: string; displayName: string; avatarId: string | null };
  upload: ReturnType<typeof usePictureUpload>;
  removed: boolean;
  onRemove: (remove: boolean) => void;
  /** "your picture", "the group's picture". */
  label: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { picture, uploading } = upload;
  const has = (!!face.avatarId && !removed) || !!picture;
  const percent = Math.round((picture?.progress ?? 0) * 100);
  return (
    <div className="flex items-center gap-4">
      <div className="relative" data-testid="picture-preview">
        <Avatar
          user={{ ...face, avatarId: removed ? null : face.avatarId }}
          src={picture?.previewUrl}
          size="xl"
        />
        {uploading ? (
          <div
            role="progressbar"
            aria-label={`Uploading ${label}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="absolute inset-x-2 bottom-1 h-1.5 overflow-hidden rounded-full bg-white/80"
          >
            <div
              className="h-full rounded-full bg-indigo-600 transition-[width]"
              style={{ width: `${percent}%` }}
            />
          </div>
        ) : null}
      </div>
      <div className="min-w-0">
        <input
          ref={input}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          hidden
          data-testid="picture-input"
          onChange={(e) => {
            onRemove(false);
            upload.pick(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            onClick={() => input.current?.click()}
            className="rounded-lg px-3 py-1.5 text-sm font-medium text-indigo-800 ring-1 ring-indigo-200 hover:bg-indigo-50 dark:text-indigo-200 dark:ring-indigo-800 dark:hover:bg-indigo-950"
          >
            {has ? 'Change picture' : 'Add a picture'}
          </button>
          {has ? (
            <button
              type="button"
              onClick={() => {
                if (picture) {
                  upload.reset();
                  onRemove(false);
                } else onRemove(true);
              }}
              className="rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
            >
              {picture ? 'Cancel' : 'Remove'}
            </button>
          ) : null}
        </div>
        {picture?.error ? (
          <p className="mt-1 text-xs text-rose-700 dark:text-rose-300" role="alert">
            {picture.error}
          </p>
        ) : picture ? (
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
            {uploading ? 'Uploading…' : 'Save to use this picture.'}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** What the form saves for the picture: a new upload, null to remove it, or nothing. */
export function pictureChange(
  upload: ReturnType<typeof usePictureUpload>,
  removed: boolean,
  current: string | null,
): string | null | undefined {
  if (upload.picture?.id) return upload.picture.id;
  if (removed && current) return null;
  return undefined;
}
