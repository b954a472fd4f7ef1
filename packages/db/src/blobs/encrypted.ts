import { Readable } from 'node:stream';
import { assertBlobKey, type BlobStore, type RawBlobStore } from './blob-store.ts';
import {
  BlobKeyError,
  HEADER_BYTES,
  isEnvelope,
  keyIdOf,
  newHeader,
  openSegments,
  plaintextSize,
  rewrapHeader,
  sealSegments,
  unwrap,
  type BlobKeyring,
} from './envelope.ts';

/**
 * A blob of known bytes, encrypted like the others: a store that opens it has the right key. It
 * is written last when blobs are encrypted or re-keyed, so it also says that all of them were.
 */
export const KEY_CHECK = 'parley-blob-key.check';
const KEY_CHECK_BYTES = Buffer.from('parley blob key check v1');

/** What encrypting or re-keying a store did, blob by blob. */
export interface ReencryptCounts {
  /** Stored in the clear (before encryption at rest), now encrypted. */
  encrypted: number;
  /** Their data key re-wrapped with the new key; the bytes were copied as they were. */
  rewrapped: number;
  /** Already on the key. */
  unchanged: number;
}

/**
 * The blobs of `raw`, encrypted with the keyring (see envelope.ts), behind the same interface.
 * A blob stored in the clear before encryption at rest is served as it is.
 */
export function encryptedBlobStore(raw: RawBlobStore, keyring: BlobKeyring): BlobStore {
  return {
    kind: raw.kind,

    async put(key, data) {
      assertBlobKey(key);
      const { header, dataKey } = newHeader(keyring, key);
      const source = Buffer.isBuffer(data) ? [data] : (data as AsyncIterable<Buffer>);
      await raw.put(key, Readable.from(followedBy(header, sealSegments(source, dataKey))));
    },

    async get(key) {
      const blob = await raw.get(key);
      if (!blob) return null;
      let stream: Readable;
      let size = blob.size;
      try {
        const { head, rest } = await readHead(blob.stream, HEADER_BYTES);
        if (isEnvelope(head)) {
          const dataKey = unwrap(head.subarray(0, HEADER_BYTES), keyring, key);
          stream = Readable.from(
            openSegments(followedBy(head.subarray(HEADER_BYTES), rest), dataKey, key),
          );
          size = plaintextSize(blob.size);
        } else {
          stream = Readable.from(followedBy(head, rest));
        }
      } catch (error) {
        blob.stream.destroy();
        throw error;
      }
      // A reader that never starts still releases the file.
      stream.once('close', () => blob.stream.destroy());
      return { size, stream };
    },

    delete: (key) => raw.delete(key),
    close: () => raw.close(),
  };
}

/**
 * Opens the encrypted store over `raw`: checks the key against the key-check blob, and on the
 * first open encrypts the blobs stored in the clear before encryption at rest.
 * @throws BlobKeyError when the store's blobs were encrypted with another key
 */
export async function openEncryptedBlobStore(
  raw: RawBlobStore,
  keyring: BlobKeyring,
  where: string,
): Promise<BlobStore> {
  const blobs = encryptedBlobStore(raw, keyring);
  try {
    const check = await readAll(blobs, KEY_CHECK).catch((error: unknown) => {
      if (error instanceof BlobKeyError) {
        throw new BlobKeyError(`the blob key does not open the blobs in ${where}`, {
          cause: error,
        });
      }
      throw error;
    });
    if (!check) await reencryptBlobs(raw, keyring, null);
    else if (!check.equals(KEY_CHECK_BYTES))
      throw new Error(`${where}: ${KEY_CHECK} is not what it should be`);
    return blobs;
  } catch (error) {
    await raw.close();
    throw error;
  }
}

/**
 * Brings every blob of `raw` onto the keyring `to`: blobs in the clear are encrypted, blobs
 * wrapped with `from` are re-wrapped (their bytes are not decrypted), blobs already on `to`
 * are left. The other processes must be stopped. Run again after a failure: it carries on.
 * @throws BlobKeyError when a blob was wrapped with neither key
 */
export async function reencryptBlobs(
  raw: RawBlobStore,
  to: BlobKeyring,
  from: BlobKeyring | null,
): Promise<ReencryptCounts> {
  const counts: ReencryptCounts = { encrypted: 0, rewrapped: 0, unchanged: 0 };
  for await (const key of raw.keys()) {
    if (key !== KEY_CHECK) counts[await reencryptBlob(raw, key, to, from)] += 1;
  }
  await encryptedBlobStore(raw, to).put(KEY_CHECK, KEY_CHECK_BYTES);
  return counts;
}

async function reencryptBlob(
  raw: RawBlobStore,
  key: string,
  to: BlobKeyring,
  from: BlobKeyring | null,
): Promise<keyof ReencryptCounts> {
  const blob = await raw.get(key);
  // Deleted meanwhile.
  if (!blob) return 'unchanged';
  const { head, rest } = await readHead(blob.stream, HEADER_BYTES);
  try {
    if (!isEnvelope(head)) {
      await encryptedBlobStore(raw, to).put(key, Readable.from(followedBy(head, rest)));
      return 'encrypted';
    }
    const keyId = keyIdOf(head);
    if (keyId.equals(to.id)) {
      blob.stream.destroy();
      return 'unchanged';
    }
    if (!from || !keyId.equals(from.id)) {
      throw new BlobKeyError(
        `blob ${key} was encrypted with ${from ? 'neither key' : 'another key'}`,
      );
    }
    const header = rewrapHeader(head.subarray(0, HEADER_BYTES), from, to, key);
    const body = head.subarray(HEADER_BYTES);
    await raw.put(key, Readable.from(followedBy(Buffer.concat([header, body]), rest)));
    return 'rewrapped';
  } catch (error) {
    blob.stream.destroy();
    throw error;
  }
}

/** The first `bytes` of a stream (fewer if it is shorter), and the rest of it. */
async function readHead(
  stream: Readable,
  bytes: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parts: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await chunks.next();
    if (next.done) break;
    parts.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(parts), rest: { [Symbol.asyncIterator]: () => chunks } };
}

async function* followedBy(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  yield* rest;
}

async function readAll(blobs: BlobStore, key: string): Promise<Buffer | null> {
  const blob = await blobs.get(key);
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
