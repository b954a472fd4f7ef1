import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { auth } from '../auth/session.ts';
import { toast } from '../app/toast.ts';
import {
  MAX_ATTACHMENTS,
  pickAttachments,
  summarize,
  uploadAs,
  UploadError,
  uploadsReducer,
} from './uploads.ts';

/**
 * The images and files attached to the message being written: each file uploads at once (with progress)
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
    const { accepted, rejected } = pickAttachments(files, live.current.size);
    for (const r of rejected) toast(r.reason);
    for (const { file, kind } of accepted) {
      if (live.current.size >= MAX_ATTACHMENTS) break;
      const id = crypto.randomUUID();
      const url = URL.createObjectURL(file);
      const controller = new AbortController();
      live.current.set(id, { controller, url });
      const name = file.name || (kind === 'image' ? 'Pasted image' : 'Pasted file');
      dispatch({ type: 'add', id, kind, name, size: file.size, previewUrl: url });
      uploadAs(
        kind,
        file,
        {
          name: file.name || (kind === 'image' ? 'pasted-image' : 'pasted-file'),
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
          toast(`${name}: ${message}`);
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
