import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { subkey } from '../subkeys.ts';

/**
 * An encrypted blob: a header, then the bytes in segments.
 *
 *   header (76 bytes)  magic "PRLYBLB" and version 1 (8) | key id (8) | nonce (12) |
 *                      data key wrapped with AES-256-GCM (32) | its tag (16)
 *   segments           64 KiB of the bytes each (the last one 0 to 64 KiB), each encrypted with
 *                      AES-256-GCM under the data key, followed by its tag (16)
 *
 * Every blob has its own random data key; the master key only wraps it (with its `blob-wrap`
 * subkey), so a new master key rewrites headers, never the bytes. The wrap authenticates the
 * header and the blob's name: a header moved to another name does not open. A segment's nonce
 * is its index and whether it is the last one (as Tink's streaming AEAD), so a reader checks
 * each 64 KiB before passing it on, and a blob cut short, reordered or extended fails.
 * The key id (8 bytes of the `blob-key-id` subkey) names the master key a blob was wrapped with.
 */
const MAGIC = Buffer.from('PRLYBLB\x01', 'latin1');
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + KEY_ID_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES;
export const SEGMENT_BYTES = 64 * 1024;
const SEALED_SEGMENT_BYTES = SEGMENT_BYTES + TAG_BYTES;

export class BlobKeyError extends Error {
  override name = 'BlobKeyError';
}

export class BlobIntegrityError extends Error {
  override name = 'BlobIntegrityError';
}

/** The master key as blobs use it. */
export interface BlobKeyring {
  id: Buffer;
  wrapKey: Buffer;
}

export function blobKeyring(masterKey: Buffer): BlobKeyring {
  return {
    id: subkey(masterKey, 'blob-key-id', KEY_ID_BYTES),
    wrapKey: subkey(masterKey, 'blob-wrap'),
  };
}

/** Whether `head` (at least the first 8 bytes of a blob) starts an encrypted blob. */
export function isEnvelope(head: Buffer): boolean {
  return head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC);
}

/** The key id a header names. */
export function keyIdOf(header: Buffer): Buffer {
  return header.subarray(MAGIC.length, MAGIC.length + KEY_ID_BYTES);
}

/** A header for a fresh data key, and that key. */
export function newHeader(keyring: BlobKeyring, name: string): { header: Buffer; dataKey: Buffer } {
  const dataKey = randomBytes(KEY_BYTES);
  return { header: wrap(keyring, name, dataKey), dataKey };
}

/** The same data key wrapped with another master key (rotation). */
export function rewrapHeader(
  header: Buffer,
  from: BlobKeyring,
  to: BlobKeyring,
  name: string,
): Buffer {
  return wrap(to, name, unwrap(header, from, name));
}

/** What the wrap authenticates besides the data key: the header's start and the blob's name. */
function additionalData(prefix: Buffer, name: string): Buffer {
  return Buffer.concat([prefix, Buffer.from(name, 'utf8')]);
}

function wrap(keyring: BlobKeyring, name: string, dataKey: Buffer): Buffer {
  const prefix = Buffer.concat([MAGIC, keyring.id]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.wrapKey, nonce);
  cipher.setAAD(additionalData(prefix, name));
  const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([prefix, nonce, wrapped, cipher.getAuthTag()]);
}

/**
 * The data key of a header.
 * @throws BlobKeyError when another master key wrapped it; BlobIntegrityError when it was altered
 */
export function unwrap(header: Buffer, keyring: BlobKeyring, name: string): Buffer {
  if (header.length !== HEADER_BYTES || !isEnvelope(header)) {
    throw new BlobIntegrityError(`blob ${name} has no valid header`);
  }
  if (!timingSafeEqual(keyIdOf(header), keyring.id)) {
    throw new BlobKeyError(`blob ${name} was encrypted with another key`);
  }
  let at = MAGIC.length + KEY_ID_BYTES;
  const prefix = header.subarray(0, at);
  const nonce = header.subarray(at, (at += NONCE_BYTES));
  const wrapped = header.subarray(at, (at += KEY_BYTES));
  const decipher = createDecipheriv('aes-256-gcm', keyring.wrapKey, nonce);
  decipher.setAAD(additionalData(prefix, name));
  decipher.setAuthTag(header.subarray(at));
  try {
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch (error) {
    throw new BlobIntegrityError(`blob ${name} has a damaged header`, { cause: error });
  }
}

/** The size of the bytes in an encrypted blob of `stored` bytes. */
export function plaintextSize(stored: number): number {
  const body = stored - HEADER_BYTES;
  const segments = Math.max(1, Math.ceil(body / SEALED_SEGMENT_BYTES));
  return body - segments * TAG_BYTES;
}

/** Encrypts `source` in segments under `dataKey`. */
export function sealSegments(
  source: Iterable<Buffer> | AsyncIterable<Buffer>,
  dataKey: Buffer,
): AsyncGenerator<Buffer> {
  return inSegments(source, SEGMENT_BYTES, (bytes, index, last) =>
    seal(dataKey, index, last, bytes),
  );
}

/**
 * Decrypts the segments of `source` under `dataKey`, each checked before it is passed on.
 * @throws BlobIntegrityError naming `name`
 */
export function openSegments(
  source: AsyncIterable<Buffer>,
  dataKey: Buffer,
  name: string,
): AsyncGenerator<Buffer> {
  return inSegments(source, SEALED_SEGMENT_BYTES, (sealed, index, last) =>
    open(dataKey, index, last, sealed, name),
  );
}

/** `source` cut into pieces of `size` bytes (the last one 0 to `size`), each transformed. */
async function* inSegments(
  source: Iterable<Buffer> | AsyncIterable<Buffer>,
  size: number,
  transform: (segment: Buffer, index: number, last: boolean) => Buffer,
): AsyncGenerator<Buffer> {
  let index = 0;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    // Only once more than a segment is held is the segment known not to be the last one.
    while (pending.length > size) {
      yield transform(pending.subarray(0, size), index++, false);
      pending = pending.subarray(size);
    }
  }
  yield transform(pending, index, true);
}

function nonceOf(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeUInt32BE(index, NONCE_BYTES - 5);
  nonce[NONCE_BYTES - 1] = last ? 1 : 0;
  return nonce;
}

function seal(dataKey: Buffer, index: number, last: boolean, bytes: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonceOf(index, last));
  return Buffer.concat([cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
}

function open(dataKey: Buffer, index: number, last: boolean, sealed: Buffer, name: string): Buffer {
  if (sealed.length < TAG_BYTES) throw new BlobIntegrityError(`blob ${name} is cut short`);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, nonceOf(index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (error) {
    throw new BlobIntegrityError(`blob ${name} is damaged or was altered`, { cause: error });
  }
}
