import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import { redactCredentials } from '../mongo/uri.ts';
import { assertBlobKey, type RawBlobStore } from './blob-store.ts';

type Bucket = mongoose.mongo.GridFSBucket;
type FileId = mongoose.mongo.ObjectId;
const { ObjectId } = mongoose.mongo;

/** The GridFS bucket of Parley's blobs: collections `blobs.files` and `blobs.chunks`. */
export const GRIDFS_BUCKET = 'blobs';

/** Chunks written this long ago whose file never got its `files` document are orphans. */
export const ORPHAN_AGE_MS = 60 * 60_000;

/** How often the store looks for orphaned chunks (and once when it opens). */
export const SWEEP_EVERY_MS = 6 * 60 * 60_000;

export interface GridFsOptions {
  /** Where a failed sweep for orphaned chunks is reported (it is retried at the next one). */
  onSweepError?: (error: unknown) => void;
}

/**
 * Blobs in MongoDB GridFS, for deployments on MongoDB (where processes share no disk). Each put
 * writes a new GridFS file (a fresh id) named by the key, chunks first and its `files` document
 * last; the newest file of a name (by upload date, then id) is the blob, and a put removes the
 * older ones only once its own is whole. So a reader never sees part of a blob, and a failed put
 * (or a concurrent one) cannot remove the bytes of the blob. Chunks left by a process that died
 * mid-upload are swept.
 */
export async function openGridFsBlobStore(
  uri: string,
  opts: GridFsOptions = {},
): Promise<RawBlobStore> {
  const conn = mongoose.createConnection(uri, { autoIndex: false, autoCreate: false });
  let bucket: Bucket;
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
  const db = conn.db;
  const sweep = () =>
    sweepOrphanChunks(db, new Date(Date.now() - ORPHAN_AGE_MS)).catch((error: unknown) =>
      opts.onSweepError?.(error),
    );
  let sweeping = sweep();
  const timer = setInterval(() => {
    sweeping = sweeping.then(sweep);
  }, SWEEP_EVERY_MS);
  timer.unref();
  return gridFsBlobStore(bucket, async () => {
    clearInterval(timer);
    await sweeping;
    await conn.close();
  });
}

/** The adapter over an open bucket; `close` releases what the caller opened. */
export function gridFsBlobStore(bucket: Bucket, close: () => Promise<void>): RawBlobStore {
  /** The blob's files, newest first (the blob is the first one). */
  const versions = (key: string) =>
    bucket.find({ filename: key }).sort({ uploadDate: -1, _id: -1 }).toArray();

  const removeAll = async (ids: unknown[]) => {
    for (const id of ids) await bucket.delete(id as FileId).catch(ignoreNotFound);
  };

  return {
    kind: 'gridfs',

    async put(key, data) {
      assertBlobKey(key);
      const upload = bucket.openUploadStream(key);
      try {
        await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, upload);
      } catch (error) {
        // Deletes the chunks written so far (none of another put's: they have other ids).
        await upload.abort().catch(() => undefined);
        throw error;
      }
      // Every put's files document exists before it looks: the last one to look sees them all
      // and keeps only the newest, and none removes the newest (nor a failed put's chunks).
      const [, ...older] = await versions(key);
      await removeAll(older.map((file) => file._id));
    },

    async get(key) {
      assertBlobKey(key);
      const [file] = await versions(key);
      if (!file) return null;
      return { size: file.length, stream: bucket.openDownloadStream(file._id) };
    },

    async delete(key) {
      assertBlobKey(key);
      await removeAll((await versions(key)).map((file) => file._id));
    },

    async *keys() {
      for await (const file of bucket.find({}, { projection: { filename: 1 } })) {
        yield file.filename;
      }
    },

    close,
  };
}

/**
 * Deletes the chunks of files that never got their `files` document (their upload died with
 * its process) and whose chunks are all older than `before` (a chunk's ObjectId holds when it
 * was written; an upload still under way wrote one recently). Returns how many files' chunks
 * were deleted. Reads the distinct file ids from the chunks' `files_id` index, not the chunks.
 */
export async function sweepOrphanChunks(db: mongoose.mongo.Db, before: Date): Promise<number> {
  const chunks = db.collection(`${GRIDFS_BUCKET}.chunks`);
  const orphans = chunks.aggregate<{ _id: unknown }>(
    [
      { $sort: { files_id: 1, n: 1 } },
      { $group: { _id: '$files_id' } },
      {
        $lookup: {
          from: `${GRIDFS_BUCKET}.files`,
          localField: '_id',
          foreignField: '_id',
          as: 'file',
          pipeline: [{ $project: { _id: 1 } }],
        },
      },
      { $match: { file: { $size: 0 } } },
      { $project: { _id: 1 } },
    ],
    { allowDiskUse: true },
  );
  const cutoff = ObjectId.createFromTime(Math.floor(before.getTime() / 1000));
  let swept = 0;
  for await (const { _id: filesId } of orphans) {
    if (
      await chunks.findOne({ files_id: filesId, _id: { $gte: cutoff } }, { projection: { _id: 1 } })
    )
      continue;
    await chunks.deleteMany({ files_id: filesId });
    swept += 1;
  }
  return swept;
}

// A concurrent delete got there first.
function ignoreNotFound(error: unknown): void {
  if (error instanceof Error && /file not found/i.test(error.message)) return;
  throw error;
}
