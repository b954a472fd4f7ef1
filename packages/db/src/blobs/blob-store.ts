import type { Readable } from 'node:stream';

/** A stored blob, ready to stream. */
export interface BlobReadable {
  stream: Readable;
  /** Bytes. */
  size: number;
}

/**
 * Where file bytes live (image variants), by key. Keys are made by the server from generated ids
 * (`<uuid>.<variant>`), never from user input; every adapter still refuses any other shape, so
 * no key can name a path outside the store.
 */
export interface BlobStore {
  readonly kind: 'disk' | 'gridfs';
  /** Stores the bytes under `key`, replacing any; a reader sees all of them or none. */
  put(key: string, data: Buffer | Readable): Promise<void>;
  /** Null when there is no such blob. */
  get(key: string): Promise<BlobReadable | null>;
  /** Removes the blob; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** An adapter's own store (the bytes as given), which can also list its keys. */
export interface RawBlobStore extends BlobStore {
  /** Every stored key, in no order; a key being replaced may come twice. */
  keys(): AsyncIterable<string>;
}

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key: ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'InvalidBlobKeyError';
  }
}

/** Letters, digits, `-` and `_`, then at most one `.suffix`: no separators, no `..`, no drive. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}(\.[A-Za-z0-9_-]{1,32})?$/;

export function isBlobKey(key: string): boolean {
  return KEY.test(key);
}

/** @throws InvalidBlobKeyError */
export function assertBlobKey(key: string): void {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(key);
}
