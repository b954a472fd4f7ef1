import path from 'node:path';
import type { BlobStore } from './blob-store.ts';

/**
 * Opens the blob store that goes with the database of `databaseUrl`: files under
 * `<dataDir>/blobs` next to SQLite, GridFS in the same MongoDB otherwise.
 */
export async function openBlobStore(databaseUrl: string, dataDir: string): Promise<BlobStore> {
  if (databaseUrl.startsWith('mongodb://') || databaseUrl.startsWith('mongodb+srv://')) {
    const { openGridFsBlobStore } = await import('./gridfs.ts');
    return openGridFsBlobStore(databaseUrl);
  }
  const { openDiskBlobStore } = await import('./disk.ts');
  return openDiskBlobStore(path.join(dataDir, 'blobs'));
}
