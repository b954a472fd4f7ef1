import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError, type BlobStore } from './blob-store.ts';

async function read(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Keys that try to leave the store, or are not the shape the server makes. */
export const HOSTILE_KEYS = [
  '',
  '.',
  '..',
  '../escape',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '/etc/passwd',
  '/absolute.display',
  'C:\\Windows\\win.ini',
  'a/b',
  'a\\b',
  'ab/../../x',
  '.hidden',
  'name..display',
  'a.b.c',
  'nul\u0000byte',
  'new\nline',
  `${'a'.repeat(200)}`,
];

/**
 * The behaviour every `BlobStore` adapter must have. `open` returns a fresh, empty store.
 */
export function runBlobStoreContract(name: string, open: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let blobs: BlobStore;
    beforeEach(async () => {
      blobs = await open();
    });
    afterEach(async () => {
      await blobs.close();
    });

    const key = (variant = 'display') => `${randomUUID()}.${variant}`;

    it('stores bytes from a buffer or a stream and streams them back with their size', async () => {
      const fromBuffer = key();
      const fromStream = key('thumb');
      const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, n) => n % 251));

      await blobs.put(fromBuffer, bytes);
      await blobs.put(fromStream, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));

      for (const k of [fromBuffer, fromStream]) {
        const blob = await blobs.get(k);
        expect(blob?.size).toBe(bytes.length);
        expect((await read(blob!.stream)).equals(bytes)).toBe(true);
      }
    });

    it('answers null for a missing blob, and deletes idempotently', async () => {
      const k = key();
      expect(await blobs.get(k)).toBeNull();
      await blobs.put(k, Buffer.from('bytes'));

      await blobs.delete(k);
      await blobs.delete(k);

      expect(await blobs.get(k)).toBeNull();
    });

    it('replaces a blob put again under the same key', async () => {
      const k = key();
      await blobs.put(k, Buffer.from('first version, longer'));
      await blobs.put(k, Buffer.from('second'));

      const blob = await blobs.get(k);
      expect((await read(blob!.stream)).toString()).toBe('second');
    });

    it('keeps nothing of a put whose source fails', async () => {
      const k = key();
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024, 1));
          this.destroy(new Error('client went away'));
        },
      });

      await expect(blobs.put(k, failing)).rejects.toThrow('client went away');

      expect(await blobs.get(k)).toBeNull();
    });

    it.each(HOSTILE_KEYS)('refuses the key %j for every operation', async (hostile) => {
      await expect(blobs.put(hostile, Buffer.from('x'))).rejects.toBeInstanceOf(
        InvalidBlobKeyError,
      );
      await expect(blobs.get(hostile)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(blobs.delete(hostile)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });
  });
}
