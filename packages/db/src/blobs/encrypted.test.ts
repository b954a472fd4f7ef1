import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.ts';
import { openDiskBlobStore } from './disk.ts';
import { BlobIntegrityError, BlobKeyError, HEADER_BYTES, SEGMENT_BYTES } from './envelope.ts';
import { openBlobStore, reencryptBlobStore } from './open.ts';

const dir = path.join(tmpdir(), `parley-encrypted-blobs-${randomUUID()}`);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A data directory and the blob store of its SQLite setup. */
function setup() {
  const dataDir = path.join(dir, randomUUID());
  const url = `file:${path.join(dataDir, 'parley.db')}`;
  return {
    dataDir,
    open: (key: Buffer) => openBlobStore(url, dataDir, key),
    raw: () => openDiskBlobStore(path.join(dataDir, 'blobs')),
    fileOf: (key: string) => path.join(dataDir, 'blobs', key.slice(0, 2), key),
    rotate: (from: Buffer, to: Buffer) => reencryptBlobStore(url, dataDir, from, to),
  };
}

/** Bytes that look like nothing else: a marker repeated, so any plaintext run would show it. */
function image(bytes: number): Buffer {
  const pattern = Buffer.from('PARLEY-SECRET-PIXELS;');
  return Buffer.alloc(bytes, pattern);
}

/** The blob's size as `get` gives it, and its bytes as they arrive. */
async function fetchBlob(
  blobs: BlobStore,
  key: string,
): Promise<{ size: number; chunks: Buffer[] }> {
  const blob = await blobs.get(key);
  if (!blob) throw new Error(`no blob ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  return { size: blob.size, chunks };
}

const read = async (blobs: BlobStore, key: string) =>
  Buffer.concat((await fetchBlob(blobs, key)).chunks);
const blobKey = () => `${randomUUID()}.display`;

describe('encrypted blobs', () => {
  it('stores no plaintext, and gives back the bytes and their size', async () => {
    const { open, fileOf } = setup();
    const blobs = await open(randomBytes(32));
    const key = blobKey();
    const bytes = image(300_000);

    await blobs.put(key, bytes);

    const stored = await readFile(fileOf(key));
    expect(stored.includes('PARLEY-SECRET')).toBe(false);
    expect(stored.includes(bytes.subarray(0, 16))).toBe(false);
    // A header, then the bytes in 64 KiB segments of their own tag each.
    expect(stored.length).toBe(
      HEADER_BYTES + bytes.length + 16 * Math.ceil(bytes.length / SEGMENT_BYTES),
    );
    const { size, chunks } = await fetchBlob(blobs, key);
    expect(size).toBe(bytes.length);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    await blobs.close();
  });

  it.each([0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES])(
    'round-trips %i bytes with the right size',
    async (length) => {
      const { open } = setup();
      const blobs = await open(randomBytes(32));
      const key = blobKey();
      const bytes = randomBytes(length);

      await blobs.put(key, Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]));

      const { size, chunks } = await fetchBlob(blobs, key);
      expect(size).toBe(length);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      await blobs.close();
    },
  );

  it('streams: a reader gets the bytes 64 KiB at a time, never the whole blob at once', async () => {
    const { open } = setup();
    const blobs = await open(randomBytes(32));
    const key = blobKey();
    const megabyte = randomBytes(1024 * 1024);
    // 8 MiB from a stream that makes each piece when asked for it.
    async function* pieces() {
      for (let n = 0; n < 8; n++) yield megabyte;
    }

    await blobs.put(key, Readable.from(pieces()));

    const { chunks } = await fetchBlob(blobs, key);
    expect(chunks.length).toBe(128);
    expect(Math.max(...chunks.map((c) => c.length))).toBe(SEGMENT_BYTES);
    expect(Buffer.concat(chunks).equals(Buffer.concat(Array(8).fill(megabyte)))).toBe(true);
    await blobs.close();
  });

  it('will not open with another key: the start-up check says so', async () => {
    const { open } = setup();
    const blobs = await open(randomBytes(32));
    await blobs.put(blobKey(), image(1000));
    await blobs.close();

    await expect(open(randomBytes(32))).rejects.toThrow(
      /^the blob key does not open the blobs in .*blobs$/,
    );
  });

  it('refuses a blob that was altered, cut short or moved to another name', async () => {
    const { open, fileOf } = setup();
    const blobs = await open(randomBytes(32));
    const [altered, cut, moved, other] = [blobKey(), blobKey(), blobKey(), blobKey()];
    for (const key of [altered, cut, moved, other]) await blobs.put(key, image(3 * SEGMENT_BYTES));

    const bytes = await readFile(fileOf(altered));
    bytes[HEADER_BYTES + SEGMENT_BYTES + 16 + 100]! ^= 1;
    await writeFile(fileOf(altered), bytes);
    // Cut at a segment's end: only the last-segment flag in the nonce tells.
    await truncate(fileOf(cut), HEADER_BYTES + 2 * (SEGMENT_BYTES + 16));
    await rename(fileOf(moved), fileOf(other));

    // The first segment is good and arrives; the altered one stops the stream.
    const received: Buffer[] = [];
    const blob = await blobs.get(altered);
    await expect(
      (async () => {
        for await (const chunk of blob!.stream) received.push(chunk as Buffer);
      })(),
    ).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(received.length).toBe(1);
    await expect(read(blobs, cut)).rejects.toThrow(/is damaged or was altered/);
    await expect(blobs.get(other)).rejects.toThrow(/has a damaged header/);
    await blobs.close();
  });

  it('encrypts the blobs stored in the clear before encryption at rest, on first open', async () => {
    const { open, raw, fileOf } = setup();
    const old = await raw();
    const [first, second] = [blobKey(), blobKey()];
    await old.put(first, image(100_000));
    await old.put(second, image(10));
    await old.close();

    const key = randomBytes(32);
    const blobs = await open(key);

    for (const k of [first, second]) {
      expect((await readFile(fileOf(k))).includes('PARLEY-SECRET')).toBe(false);
    }
    expect((await read(blobs, first)).equals(image(100_000))).toBe(true);
    expect((await read(blobs, second)).equals(image(10))).toBe(true);
    await blobs.close();
    // Once: the key check records that it was done.
    const again = await open(key);
    await again.close();
  });

  it('rotates the master key by re-wrapping each data key, leaving the encrypted bytes as they were', async () => {
    const { open, fileOf, rotate } = setup();
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const blobs = await open(oldKey);
    const keys = [blobKey(), blobKey(), blobKey()];
    for (const [n, key] of keys.entries()) await blobs.put(key, image(50_000 * (n + 1)));
    await blobs.close();
    const before = await Promise.all(keys.map((key) => readFile(fileOf(key))));

    expect(await rotate(oldKey, newKey)).toEqual({ encrypted: 0, rewrapped: 3, unchanged: 0 });

    for (const [n, key] of keys.entries()) {
      const after = await readFile(fileOf(key));
      expect(after.subarray(0, HEADER_BYTES).equals(before[n]!.subarray(0, HEADER_BYTES))).toBe(
        false,
      );
      expect(after.subarray(HEADER_BYTES).equals(before[n]!.subarray(HEADER_BYTES))).toBe(true);
    }
    await expect(open(oldKey)).rejects.toBeInstanceOf(BlobKeyError);
    const rotated = await open(newKey);
    for (const [n, key] of keys.entries()) {
      expect((await read(rotated, key)).equals(image(50_000 * (n + 1)))).toBe(true);
    }
    await rotated.close();
    // Run again (after a failure, say): what is on the new key stays.
    expect(await rotate(oldKey, newKey)).toEqual({ encrypted: 0, rewrapped: 0, unchanged: 3 });
  });

  it('stops a rotation at a blob on neither key, and names it', async () => {
    const { open, rotate } = setup();
    const blobs = await open(randomBytes(32));
    const key = blobKey();
    await blobs.put(key, image(10));
    await blobs.close();

    await expect(rotate(randomBytes(32), randomBytes(32))).rejects.toThrow(
      new RegExp(`blob ${key} was encrypted with neither key`),
    );
  });
});
