import { reencryptBlobStore } from './blobs/open.ts';
import type { ReencryptCounts } from './blobs/encrypted.ts';
import { rekeyDatabase } from './sqlite/cipher.ts';

export interface KeyRotation {
  /** Whether the SQLite file was re-encrypted (false: already on the new key, or MongoDB). */
  databaseRekeyed: boolean;
  blobs: ReencryptCounts;
}

/**
 * Moves the data of `databaseUrl` from the master key `from` to `to`: the SQLite file is
 * re-encrypted (a copy, renamed over it once checked), every blob's data key is re-wrapped.
 * Every process using the data must be stopped. Safe to run again after a failure: what is
 * already on `to` is left as it is.
 * @throws DatabaseKeyError, BlobKeyError when data is on neither key
 */
export async function rotateEncryptionKey(opts: {
  databaseUrl: string;
  dataDir: string;
  from: Buffer;
  to: Buffer;
}): Promise<KeyRotation> {
  const { databaseUrl, dataDir, from, to } = opts;
  const databaseRekeyed = databaseUrl.startsWith('file:')
    ? rekeyDatabase(databaseUrl.slice('file:'.length), from, to)
    : false;
  return { databaseRekeyed, blobs: await reencryptBlobStore(databaseUrl, dataDir, from, to) };
}
