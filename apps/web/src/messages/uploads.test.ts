import { describe, expect, it, vi } from 'vitest';
import type { Attachment } from '../lib/media.ts';
import {
  formatBytes,
  MAX_FILE_BYTES,
  MAX_IMAGE_BYTES,
  parseUploadResponse,
  pickAttachments,
  pickImages,
  summarize,
  uploadAs,
  uploadImage,
  UploadError,
  uploadsReducer,
  type UploadItem,
} from './uploads.ts';

const attachment = (id: string): Attachment => ({
  id,
  kind: 'image',
  mime: 'image/png',
  width: 640,
  height: 480,
  url: `/api/files/${id}/display`,
  thumbUrl: `/api/files/${id}/thumb`,
  thumbWidth: 320,
  thumbHeight: 240,
});

const add = (items: UploadItem[], id: string) =>
  uploadsReducer(items, { type: 'add', id, name: `${id}.png`, previewUrl: `blob:${id}` });

describe('upload queue', () => {
  it('goes uploading → progress → done, and the message may then carry it', () => {
    let items = add([], 'a');
    expect(summarize(items)).toMatchObject({ uploading: 1, ready: false, progress: 0 });
    items = uploadsReducer(items, { type: 'progress', id: 'a', progress: 0.5 });
    // Progress never goes backwards (a late event) and stays within 0..1.
    items = uploadsReducer(items, { type: 'progress', id: 'a', progress: 0.25 });
    expect(items[0]!.progress).toBe(0.5);
    items = uploadsReducer(items, { type: 'progress', id: 'a', progress: 7 });
    expect(items[0]!.progress).toBe(1);
    items = uploadsReducer(items, { type: 'done', id: 'a', attachment: attachment('s1') });
    expect(summarize(items)).toEqual({
      uploading: 0,
      failed: 0,
      attachments: [attachment('s1')],
      ready: true,
      progress: 1,
    });
  });

  it('keeps the order the files were added in, whatever order they finish in', () => {
    let items = add(add([], 'a'), 'b');
    items = uploadsReducer(items, { type: 'done', id: 'b', attachment: attachment('sb') });
    expect(summarize(items)).toMatchObject({ ready: false, attachments: [attachment('sb')] });
    items = uploadsReducer(items, { type: 'done', id: 'a', attachment: attachment('sa') });
    expect(summarize(items).attachments.map((a) => a.id)).toEqual(['sa', 'sb']);
  });

  it('a failed upload blocks sending until it is removed', () => {
    let items = add(add([], 'a'), 'b');
    items = uploadsReducer(items, { type: 'done', id: 'a', attachment: attachment('sa') });
    items = uploadsReducer(items, { type: 'failed', id: 'b', error: 'Too large.' });
    expect(items[1]).toMatchObject({ status: 'failed', error: 'Too large.' });
    expect(summarize(items)).toMatchObject({ ready: false, failed: 1 });
    // A late progress or success for it changes nothing.
    items = uploadsReducer(items, { type: 'done', id: 'b', attachment: attachment('sb') });
    expect(items[1]!.status).toBe('failed');
    items = uploadsReducer(items, { type: 'remove', id: 'b' });
    expect(summarize(items)).toMatchObject({ ready: true, attachments: [attachment('sa')] });
  });

  it('holds at most four files, each once, and clears', () => {
    let items: UploadItem[] = [];
    for (const id of ['a', 'b', 'c', 'd', 'e', 'a']) items = add(items, id);
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(uploadsReducer(items, { type: 'clear' })).toEqual([]);
    const empty: UploadItem[] = [];
    expect(uploadsReducer(empty, { type: 'clear' })).toBe(empty);
    expect(uploadsReducer(items, { type: 'remove', id: 'zz' })).toBe(items);
  });

  it('averages the progress of the files still uploading', () => {
    let items = add(add([], 'a'), 'b');
    items = uploadsReducer(items, { type: 'progress', id: 'a', progress: 0.2 });
    items = uploadsReducer(items, { type: 'progress', id: 'b', progress: 0.6 });
    expect(summarize(items).progress).toBeCloseTo(0.4);
  });
});

describe('pickImages', () => {
  const f = (name: string, type = 'image/png', size = 1000) => ({ name, type, size });

  it('accepts images up to the limit and says why the others were left out', () => {
    const { accepted, rejected } = pickImages(
      [
        f('a.png'),
        f('notes.txt', 'text/plain'),
        f('huge.jpg', 'image/jpeg', MAX_IMAGE_BYTES + 1),
        f('b.webp', 'image/webp'),
        f('c.gif', 'image/gif'),
        f('vector.svg', 'image/svg+xml'),
      ],
      2,
    );
    expect(accepted.map((x) => x.name)).toEqual(['a.png', 'b.webp']);
    expect(rejected.map((r) => r.reason)).toEqual([
      'notes.txt: only JPEG, PNG, WebP and GIF images can be sent.',
      'huge.jpg is larger than 10 MB.',
      'At most 4 images per message.',
      'vector.svg: only JPEG, PNG, WebP and GIF images can be sent.',
    ]);
  });

  it('speaks of a picture, not of sending, for an avatar', () => {
    expect(pickImages([f('me.txt', 'text/plain')], 0, 'picture').rejected[0]!.reason).toBe(
      'me.txt: only JPEG, PNG, WebP and GIF images can be used as a picture.',
    );
  });

  it('names a pasted image without a file name', () => {
    expect(pickImages([f('', 'image/png', 0)], 0).rejected[0]!.reason).toBe('image is empty.');
  });
});

describe('pickAttachments', () => {
  const f = (name: string, type = 'image/png', size = 1000) => ({ name, type, size });

  it('sends images as images, anything else (a large image too) as a file, up to the limits', () => {
    const { accepted, rejected } = pickAttachments(
      [
        f('a.png'),
        f('report.pdf', 'application/pdf', 5_000_000),
        f('huge.jpg', 'image/jpeg', MAX_IMAGE_BYTES + 1),
        f('empty.txt', 'text/plain', 0),
        f('movie.mp4', 'video/mp4', MAX_FILE_BYTES + 1),
        f('page.html', 'text/html'),
        f('one-too-many.zip', 'application/zip'),
      ],
      0,
    );
    expect(accepted.map((x) => [x.file.name, x.kind])).toEqual([
      ['a.png', 'image'],
      ['report.pdf', 'file'],
      ['huge.jpg', 'file'],
      ['page.html', 'file'],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'empty.txt is empty.',
      'movie.mp4 is larger than 25 MB.',
      'At most 4 attachments per message.',
    ]);
  });

  it('formats sizes for people', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(912)).toBe('912 bytes');
    expect(formatBytes(14_500)).toBe('14 KB');
    expect(formatBytes(2_516_582)).toBe('2.4 MB');
  });
});

describe('parseUploadResponse', () => {
  it('returns a file or a voice note as the server describes it', () => {
    const file = {
      id: 'f1',
      kind: 'file',
      mime: 'application/pdf',
      name: 'a.pdf',
      size: 3,
      url: '/u',
    };
    expect(parseUploadResponse(201, JSON.stringify(file))).toEqual(file);
    expect(() => parseUploadResponse(201, JSON.stringify({ id: 'x', kind: 'video' }))).toThrow(
      'unexpected answer',
    );
  });

  it('returns the attachment', () => {
    expect(parseUploadResponse(201, JSON.stringify(attachment('s1')))).toEqual(attachment('s1'));
  });

  it("shows the server's message, or a readable one when there is none", () => {
    const body = JSON.stringify({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'Not an image.' });
    expect(() => parseUploadResponse(415, body)).toThrow('Not an image.');
    try {
      parseUploadResponse(413, '<html>nginx</html>');
    } catch (error) {
      expect(error).toBeInstanceOf(UploadError);
      expect(error).toMatchObject({ status: 413, message: 'The file is too large.' });
    }
    expect(() => parseUploadResponse(0, '')).toThrow('Cannot reach Parley');
    expect(() => parseUploadResponse(500, '')).toThrow('The upload failed (500).');
    expect(() => parseUploadResponse(201, '{}')).toThrow('unexpected answer');
  });
});

/** Just enough of XMLHttpRequest: answers each send with the next scripted response. */
function fakeXhrs(responses: { status: number; body: string }[]) {
  const sent: { headers: Record<string, string>; body: unknown }[] = [];
  const create = () => {
    const headers: Record<string, string> = {};
    const xhr = {
      status: 0,
      responseText: '',
      withCredentials: false,
      upload: { onprogress: null as ((e: Partial<ProgressEvent>) => void) | null },
      onload: null as (() => void) | null,
      onerror: null as (() => void) | null,
      onabort: null as (() => void) | null,
      open: vi.fn(),
      abort: vi.fn(),
      setRequestHeader: (k: string, v: string) => void (headers[k] = v),
      send(body: unknown) {
        sent.push({ headers, body });
        const next = responses.shift()!;
        queueMicrotask(() => {
          xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
          xhr.status = next.status;
          xhr.responseText = next.body;
          xhr.onload?.();
        });
      },
    };
    return xhr as unknown as XMLHttpRequest;
  };
  return { create, sent };
}

describe('uploadImage', () => {
  it('sends the file with the CSRF header and reports progress', async () => {
    const { create, sent } = fakeXhrs([{ status: 201, body: JSON.stringify(attachment('s1')) }]);
    const auth = { ensureFresh: vi.fn(async () => {}), refresh: vi.fn(async () => {}) };
    const progress: number[] = [];
    const result = await uploadImage(
      new Blob(['x'], { type: 'image/png' }),
      { name: 'a.png', onProgress: (p) => progress.push(p) },
      { auth, createXhr: create },
    );
    expect(result.id).toBe('s1');
    expect(auth.ensureFresh).toHaveBeenCalledOnce();
    expect(sent[0]!.headers).toEqual({ 'x-parley-csrf': '1' });
    expect((sent[0]!.body as FormData).get('file')).toBeInstanceOf(Blob);
    expect(progress).toEqual([0.5]);
  });

  it('says what it uploads in the address when it is not an image', async () => {
    const file = {
      id: 'v1',
      kind: 'voice',
      mime: 'audio/webm',
      size: 3,
      durationMs: 900,
      url: '/u',
    };
    const { create } = fakeXhrs([{ status: 201, body: JSON.stringify(file) }]);
    const opened: unknown[][] = [];
    const auth = { ensureFresh: vi.fn(async () => {}), refresh: vi.fn(async () => {}) };
    const createXhr = () => {
      const xhr = create();
      xhr.open = (...args: unknown[]) => void opened.push(args);
      return xhr;
    };
    expect(await uploadAs('voice', new Blob(['x']), {}, { auth, createXhr })).toEqual(file);
    expect(opened).toEqual([['POST', '/api/uploads?kind=voice']]);
  });

  it('refreshes the session once after a 401 and tries again', async () => {
    const { create, sent } = fakeXhrs([
      { status: 401, body: JSON.stringify({ error: 'UNAUTHORIZED', message: 'Expired.' }) },
      { status: 201, body: JSON.stringify(attachment('s2')) },
    ]);
    const auth = { ensureFresh: vi.fn(async () => {}), refresh: vi.fn(async () => {}) };
    const result = await uploadImage(new Blob(['x']), {}, { auth, createXhr: create });
    expect(result.id).toBe('s2');
    expect(auth.refresh).toHaveBeenCalledOnce();
    expect(sent).toHaveLength(2);
  });

  it('does not retry refusals other than 401', async () => {
    const { create, sent } = fakeXhrs([
      { status: 415, body: JSON.stringify({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'No.' }) },
    ]);
    const auth = { ensureFresh: vi.fn(async () => {}), refresh: vi.fn(async () => {}) };
    await expect(uploadImage(new Blob(['x']), {}, { auth, createXhr: create })).rejects.toThrow(
      'No.',
    );
    expect(sent).toHaveLength(1);
    expect(auth.refresh).not.toHaveBeenCalled();
  });
});
