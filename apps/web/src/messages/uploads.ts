/**
 * Uploads from the composer and the profile (images, files, voice notes): the state of each file (a pure reducer, so
 * it is testable), the checks made before a byte is sent, and the upload itself over
 * XMLHttpRequest (fetch reports no upload progress).
 *
 *   uploading ──progress…──▶ uploading ──201──▶ done (has the server's attachment)
 *        └──────────── error / 4xx ──────────▶ failed (message shown, removable)
 */
import {
  CSRF_HEADER,
  FILE_UPLOAD_DEFAULTS,
  RESTARTING_MESSAGE,
  UPLOAD_FIELD,
  UPLOAD_KINDS,
  UPLOAD_LIMITS,
  UPLOADS_PATH,
  type UploadKind,
} from '@parley/api/protocol';
import type { Attachment } from '../lib/media.ts';

/** What the server accepts (it decides by the bytes; these only spare a doomed upload). */
export const IMAGE_TYPES = UPLOAD_LIMITS.types;
export const MAX_IMAGE_BYTES = UPLOAD_LIMITS.maxBytes;
export const MAX_ATTACHMENTS = UPLOAD_LIMITS.perMessage;
/** The server's default; a server may allow less or more (it says so when it refuses). */
export const MAX_FILE_BYTES = FILE_UPLOAD_DEFAULTS.maxBytes;

export type UploadStatus = 'uploading' | 'done' | 'failed';

export interface UploadItem {
  /** Local id (not the server's). */
  id: string;
  /** An image is previewed; a file shows its name and size. */
  kind: 'image' | 'file';
  name: string;
  /** Bytes of the local file. */
  size: number;
  /** An object URL of the local file, for the preview before the server answers. */
  previewUrl: string;
  status: UploadStatus;
  /** 0..1 */
  progress: number;
  attachment: Attachment | null;
  error: string | null;
}

export type UploadAction =
  | {
      type: 'add';
      id: string;
      kind?: 'image' | 'file';
      name: string;
      size?: number;
      previewUrl: string;
    }
  | { type: 'progress'; id: string; progress: number }
  | { type: 'done'; id: string; attachment: Attachment }
  | { type: 'failed'; id: string; error: string }
  | { type: 'remove'; id: string }
  | { type: 'clear' };

function patch(items: UploadItem[], id: string, fn: (i: UploadItem) => UploadItem) {
  let changed = false;
  const next = items.map((i) => {
    if (i.id !== id) return i;
    changed = true;
    return fn(i);
  });
  return changed ? next : items;
}

export function uploadsReducer(items: UploadItem[], action: UploadAction): UploadItem[] {
  switch (action.type) {
    case 'add':
      if (items.length >= MAX_ATTACHMENTS || items.some((i) => i.id === action.id)) return items;
      return [
        ...items,
        {
          id: action.id,
          kind: action.kind ?? 'image',
          name: action.name,
          size: action.size ?? 0,
          previewUrl: action.previewUrl,
          status: 'uploading',
          progress: 0,
          attachment: null,
          error: null,
        },
      ];
    case 'progress':
      return patch(items, action.id, (i) =>
        i.status === 'uploading'
          ? { ...i, progress: Math.max(i.progress, Math.min(1, Math.max(0, action.progress))) }
          : i,
      );
    case 'done':
      return patch(items, action.id, (i) =>
        i.status === 'uploading'
          ? { ...i, status: 'done', progress: 1, attachment: action.attachment }
          : i,
      );
    case 'failed':
      return patch(items, action.id, (i) =>
        i.status === 'uploading' ? { ...i, status: 'failed', error: action.error } : i,
      );
    case 'remove':
      return items.some((i) => i.id === action.id)
        ? items.filter((i) => i.id !== action.id)
        : items;
    case 'clear':
      return items.length ? [] : items;
  }
}

export interface UploadSummary {
  uploading: number;
  failed: number;
  /** The server's attachments, in the order the files were added. */
  attachments: Attachment[];
  /** Everything added has uploaded (and nothing failed): a message may carry them. */
  ready: boolean;
  /** Overall progress of the files still uploading, 0..1 (1 when none). */
  progress: number;
}

export function summarize(items: readonly UploadItem[]): UploadSummary {
  const uploading = items.filter((i) => i.status === 'uploading');
  const failed = items.filter((i) => i.status === 'failed').length;
  return {
    uploading: uploading.length,
    failed,
    attachments: items.flatMap((i) => (i.status === 'done' && i.attachment ? [i.attachment] : [])),
    ready: uploading.length === 0 && failed === 0,
    progress: uploading.length
      ? uploading.reduce((sum, i) => sum + i.progress, 0) / uploading.length
      : 1,
  };
}

/**
 * Which of the offered files to upload, given how many are attached already: images of an
 * accepted type and size, up to the limit. The others come back with the reason, for a toast.
 */
export function pickImages<F extends { name: string; type: string; size: number }>(
  files: readonly F[],
  alreadyAttached: number,
  purpose: 'message' | 'picture' = 'message',
): { accepted: F[]; rejected: { name: string; reason: string }[] } {
  const use = purpose === 'message' ? 'sent' : 'used as a picture';
  const accepted: F[] = [];
  const rejected: { name: string; reason: string }[] = [];
  for (const file of files) {
    const name = file.name || 'image';
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
      rejected.push({
        name,
        reason: `${name}: only JPEG, PNG, WebP and GIF images can be ${use}.`,
      });
    } else if (file.size > MAX_IMAGE_BYTES) {
      rejected.push({ name, reason: `${name} is larger than 10 MB.` });
    } else if (file.size === 0) {
      rejected.push({ name, reason: `${name} is empty.` });
    } else if (alreadyAttached + accepted.length >= MAX_ATTACHMENTS) {
      rejected.push({ name, reason: `At most ${MAX_ATTACHMENTS} images per message.` });
    } else {
      accepted.push(file);
    }
  }
  return { accepted, rejected };
}

/**
 * Which of the offered files to attach to a message, and as what: an image of an accepted type
 * and size is sent as an image; anything else (a larger image too) as a file, up to the file
 * limit. The others come back with the reason, for a toast.
 */
export function pickAttachments<F extends { name: string; type: string; size: number }>(
  files: readonly F[],
  alreadyAttached: number,
): {
  accepted: { file: F; kind: 'image' | 'file' }[];
  rejected: { name: string; reason: string }[];
} {
  const accepted: { file: F; kind: 'image' | 'file' }[] = [];
  const rejected: { name: string; reason: string }[] = [];
  for (const file of files) {
    const name = file.name || 'file';
    const image =
      (IMAGE_TYPES as readonly string[]).includes(file.type) && file.size <= MAX_IMAGE_BYTES;
    if (file.size === 0) {
      rejected.push({ name, reason: `${name} is empty.` });
    } else if (!image && file.size > MAX_FILE_BYTES) {
      rejected.push({ name, reason: `${name} is larger than ${formatBytes(MAX_FILE_BYTES)}.` });
    } else if (alreadyAttached + accepted.length >= MAX_ATTACHMENTS) {
      rejected.push({ name, reason: `At most ${MAX_ATTACHMENTS} attachments per message.` });
    } else {
      accepted.push({ file, kind: image ? 'image' : 'file' });
    }
  }
  return { accepted, rejected };
}

/** "912 bytes", "14 KB", "2.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/** Files among clipboard or drag-and-drop items (a dragged text or link is not one). */
export function imageFilesOf(list: DataTransfer | null): File[] {
  if (!list) return [];
  const files: File[] = [];
  for (const item of Array.from(list.items ?? [])) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (file) files.push(file);
  }
  if (!files.length) files.push(...Array.from(list.files ?? []));
  return files;
}

/** Whether a drag carries files at all (during dragover, their names and types are hidden). */
export const dragHasFiles = (dt: DataTransfer | null) =>
  !!dt && Array.from(dt.types ?? []).includes('Files');

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

const STATUS_MESSAGE: Record<number, string> = {
  401: 'Your session has expired. Sign in again.',
  403: 'You are not allowed to upload this.',
  413: 'The file is too large.',
  415: 'This kind of file cannot be sent.',
  429: 'You are uploading too many files. Wait a moment.',
  503: RESTARTING_MESSAGE,
};

/** The server's answer to an upload: the attachment on 201/200, an `UploadError` otherwise. */
export function parseUploadResponse(status: number, body: string): Attachment {
  let json: unknown = null;
  try {
    json = JSON.parse(body);
  } catch {
    json = null;
  }
  if (status >= 200 && status < 300) {
    const a = json as Partial<Attachment> | null;
    if (a && typeof a.id === 'string' && (UPLOAD_KINDS as readonly unknown[]).includes(a.kind)) {
      return a as Attachment;
    }
    throw new UploadError('The server sent an unexpected answer.', status, null);
  }
  const err = json as { error?: unknown; message?: unknown } | null;
  const message =
    typeof err?.message === 'string' && err.message
      ? err.message
      : status === 0
        ? 'Cannot reach Parley. Check your connection.'
        : (STATUS_MESSAGE[status] ?? `The upload failed (${status}).`);
  throw new UploadError(message, status, typeof err?.error === 'string' ? err.error : null);
}

export interface UploadDeps {
  /** Makes the access-token cookie fresh; refresh() rotates it after a 401. */
  auth: { ensureFresh(): Promise<void>; refresh(): Promise<unknown> };
  createXhr?: () => XMLHttpRequest;
}

function sendOnce(
  file: Blob,
  name: string,
  kind: UploadKind,
  deps: UploadDeps,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = deps.createXhr?.() ?? new XMLHttpRequest();
    const abort = () => xhr.abort();
    xhr.open('POST', kind === 'image' ? UPLOADS_PATH : `${UPLOADS_PATH}?kind=${kind}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader(CSRF_HEADER, '1');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      signal?.removeEventListener('abort', abort);
      try {
        resolve(parseUploadResponse(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error as Error);
      }
    };
    xhr.onerror = () => {
      signal?.removeEventListener('abort', abort);
      reject(new UploadError('Cannot reach Parley. Check your connection.', 0, null));
    };
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 0, 'ABORTED'));
    signal?.addEventListener('abort', abort, { once: true });
    const form = new FormData();
    form.append(UPLOAD_FIELD, file, name);
    xhr.send(form);
  });
}

export interface UploadOptions {
  name?: string;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Uploads one image, file or voice note with progress (0..1). The access token is made fresh
 * first; a 401 (it expired on the way) refreshes it and tries once more.
 */
export async function uploadAs(
  kind: UploadKind,
  file: Blob,
  opts: UploadOptions,
  deps: UploadDeps,
): Promise<Attachment> {
  const name = opts.name ?? ((file as Partial<File>).name || kind);
  const onProgress = opts.onProgress ?? (() => undefined);
  await deps.auth.ensureFresh().catch(() => undefined);
  try {
    return await sendOnce(file, name, kind, deps, onProgress, opts.signal);
  } catch (error) {
    if (!(error instanceof UploadError) || error.status !== 401 || opts.signal?.aborted)
      throw error;
    await deps.auth.refresh();
    onProgress(0);
    return sendOnce(file, name, kind, deps, onProgress, opts.signal);
  }
}

/** Uploads one image (see uploadAs). */
export const uploadImage = (file: Blob, opts: UploadOptions, deps: UploadDeps) =>
  uploadAs('image', file, opts, deps);
