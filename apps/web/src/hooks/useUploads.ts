import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { auth } from '../lib/session.ts';
import { toast } from '../lib/toast.ts';
import {
  MAX_ATTACHMENTS,
  pickImages,
  summarize,
  uploadImage,
  UploadError,
  uploadsReducer,
} from '../lib/uploads.ts';

/**
 * The images attached to the message being written: each file uploads at once (with progress)
 * and can be removed; leaving the conversation cancels what is still uploading.
 */
export function useUploadQueue() {
  const [items, dispatch] = useReducer(uploadsReducer, []);
  const live = useRef(new Map<string, { controller: AbortController; url: string }>());

  const drop = useCallback((id: string) => {
    const entry = live.current.get(id);
    if (!entry) return;
    entry.controller.abort();
    URL.revokeObjectURL(entry.url);
    live.current.delete(id);
  }, []);

  useEffect(() => {
    const map = live.current;
    return () => {
      for (const id of [...map.keys()]) {
        const entry = map.get(id)!;
        entry.controller.abort();
        URL.revokeObjectURL(entry.url);
      }
      map.clear();
    };
  }, []);

  const add = useCallback((files: readonly File[]) => {
    const { accepted, rejected } = pickImages(files, live.current.size);
    for (const r of rejected) toast(r.reason);
    for (const file of accepted) {
      if (live.current.size >= MAX_ATTACHMENTS) break;
      const id = crypto.randomUUID();
      const url = URL.createObjectURL(file);
      const controller = new AbortController();
      live.current.set(id, { controller, url });
      dispatch({ type: 'add', id, name: file.name || 'Pasted image', previewUrl: url });
      uploadImage(
        file,
        {
          name: file.name || 'pasted-image',
          signal: controller.signal,
          onProgress: (progress) => dispatch({ type: 'progress', id, progress }),
        },
        { auth },
      ).then(
        (attachment) => dispatch({ type: 'done', id, attachment }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const message =
            error instanceof UploadError ? error.message : 'The upload failed. Try again.';
          dispatch({ type: 'failed', id, error: message });
          toast(`${file.name || 'Image'}: ${message}`);
        },
      );
    }
  }, []);

  const remove = useCallback(
    (id: string) => {
      drop(id);
      dispatch({ type: 'remove', id });
    },
    [drop],
  );

  /** After the message took them: forget the files (their uploads are done). */
  const clear = useCallback(() => {
    for (const id of [...live.current.keys()]) drop(id);
    dispatch({ type: 'clear' });
  }, [drop]);

  const summary = useMemo(() => summarize(items), [items]);
  return { items, summary, add, remove, clear };
}

export type UploadQueue = ReturnType<typeof useUploadQueue>;
