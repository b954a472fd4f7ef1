import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from '../app/toast.ts';
import { auth } from '../auth/session.ts';
import { pickImages, uploadImage, UploadError } from '../messages/uploads.ts';

/** A new picture chosen here: previewed at once, uploaded in the background. */
export interface PendingPicture {
  previewUrl: string;
  progress: number;
  /** The upload's id once the server has it. */
  id: string | null;
  error: string | null;
}

/**
 * A picture (mine or a group's) being replaced: pick a file, see it at once, upload it with
 * progress; `reset` cancels. Leaving cancels an upload still running.
 */
export function usePictureUpload() {
  const [picture, setPicture] = useState<PendingPicture | null>(null);
  const upload = useRef<AbortController | null>(null);

  // The preview's object URL lives as long as it is shown.
  useEffect(() => {
    const url = picture?.previewUrl;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [picture?.previewUrl]);
  useEffect(() => () => upload.current?.abort(), []);

  const pick = useCallback((files: File[]) => {
    const { accepted, rejected } = pickImages(files.slice(0, 1), 0, 'picture');
    const file = accepted[0];
    if (!file) {
      if (rejected[0]) toast(rejected[0].reason);
      return;
    }
    upload.current?.abort();
    const controller = new AbortController();
    upload.current = controller;
    const previewUrl = URL.createObjectURL(file);
    setPicture({ previewUrl, progress: 0, id: null, error: null });
    const patch = (p: Partial<PendingPicture>) =>
      setPicture((a) => (a && a.previewUrl === previewUrl ? { ...a, ...p } : a));
    uploadImage(
      file,
      { signal: controller.signal, onProgress: (progress) => patch({ progress }) },
      { auth },
    ).then(
      (attachment) => patch({ id: attachment.id, progress: 1 }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const message =
          error instanceof UploadError ? error.message : 'The upload failed. Try again.';
        patch({ error: message });
        toast(`Picture not uploaded: ${message}`);
      },
    );
  }, []);

  const reset = useCallback(() => {
    upload.current?.abort();
    setPicture(null);
  }, []);

  const uploading = !!picture && !picture.id && !picture.error;
  return { picture, uploading, pick, reset };
}
