import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import { redactCredentials } from '../mongo/uri.ts';
import { assertBlobKey, type BlobStore } from './blob-store.ts';

/** The GridFS bucket of Parley's blobs: collections `blobs.files` and `blobs.chunks`. */
export const GRIDFS_BUCKET = 'blobs';

/**
 * Blobs in MongoDB GridFS, for deployments on MongoDB (where processes share no disk). A blob's
 * GridFS id is its key. GridFS writes a file's chunks first and its `files` document last, so a
 * reader finds a blob only once it is whole.
 */
export async function openGridFsBlobStore(uri: string): Promise<BlobStore> {
  const conn = mongoose.createConnection(uri, { autoIndex: false, autoCreate: false });
  let bucket: mongoose.mongo.GridFSBucket;
  try {
    await conn.asPromise();
    if (!conn.db) throw new Error('no database selected');
    bucket = new mongoose.mongo.GridFSBucket(conn.db, { bucketName: GRIDFS_BUCKET });
  } catch (error) {
    await conn.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open GridFS blob store at ${redactCredentials(uri)}: ${reason}`, {
      cause: error,
    });
  }
  return gridFsBlobStore(bucket, () => conn.close());
}

/** The adapter over an open bucket; `close` releases what the caller opened. */
export function gridFsBlobStore(
  bucket: mongoose.mongo.GridFSBucket,
  close: () => Promise<void>,
): BlobStore {
  async function find(key: string) {
    const [file] = await bucket
      .find({ _id: idOf(key) })
      .limit(1)
      .toArray();
    return file ?? null;
  }

  async function remove(key: string) {
    if (await find(key)) await bucket.delete(idOf(key)).catch(ignoreNotFound);
  }

  return {
    kind: 'gridfs',

    async put(key, data) {
      assertBlobKey(key);
      await remove(key);
      const upload = bucket.openUploadStreamWithId(idOf(key), key);
      try {
        await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, upload);
      } catch (error) {
        await upload.abort().catch(() => undefined);
        throw error;
      }
    },

    async get(key) {
      assertBlobKey(key);
      const file = await find(key);
      if (!file) return null;
      return { size: file.length, stream: bucket.openDownloadStream(idOf(key)) };
    },

    async delete(key) {
      assertBlobKey(key);
      await remove(key);
    },

    close,
  };
}

// GridFS takes any value as a file id; the driver's types only say ObjectId.
function idOf(key: string): mongoose.mongo.ObjectId {
  return key as unknown as mongoose.mongo.ObjectId;
}

// A concurrent delete got there first.
function ignoreNotFound(error: unknown): void {
  if (error instanceof Error && /file not found/i.test(error.message)) return;
  throw error;
}
