import path from 'node:path';
import type { BlobStore, RawBlobStore } from './blob-store.ts';
import { openEncryptedBlobStore, reencryptBlobs, type ReencryptCounts } from './encrypted.ts';
import { blobKeyring } from './envelope.ts';

/**
 * Opens the blob store that goes with the database of `databaseUrl`: files under
 * `<dataDir>/blobs` next to SQLite, GridFS in the same MongoDB otherwise. Every blob is
 * encrypted with `encryptionKey` (the master key, 32 bytes); blobs stored in the clear before
 * encryption at rest are encrypted the first time.
 * @throws BlobKeyError when the blobs were encrypted with another key
 */
export async function openBlobStore(
  databaseUrl: string,
  dataDir: string,
  encryptionKey: Buffer,
): Promise<BlobStore> {
  const { raw, where } = await openRawBlobStore(databaseUrl, dataDir);
  return openEncryptedBlobStore(raw, blobKeyring(encryptionKey), where);
}

/**
 * Key rotation: every blob's data key re-wrapped from the master key `from` to `to` (blobs
 * still in the clear are encrypted). Every process using the store must be stopped.
 */
export async function reencryptBlobStore(
  databaseUrl: string,
  dataDir: string,
  from: Buffer,
  to: Buffer,
): Promise<ReencryptCounts> {
  const { raw } = await openRawBlobStore(databaseUrl, dataDir);
  try {
    return await reencryptBlobs(raw, blobKeyring(to), blobKeyring(from));
  } finally {
    await raw.close();
  }
}

async function openRawBlobStore(
  databaseUrl: string,
  dataDir: string,
): Promise<{ raw: RawBlobStore; where: string }> {
  if (databaseUrl.startsWith('mongodb://') || databaseUrl.startsWith('mongodb+srv://')) {
    const [{ openGridFsBlobStore }, { redactCredentials }] = await Promise.all([
      import('./gridfs.ts'),
      import('../mongo/uri.ts'),
    ]);
    return { raw: await openGridFsBlobStore(databaseUrl), where: redactCredentials(databaseUrl) };
  }
  const { openDiskBlobStore } = await import('./disk.ts');
  const root = path.join(dataDir, 'blobs');
  return { raw: await openDiskBlobStore(root), where: root };
}
