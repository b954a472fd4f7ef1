import type mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { InvalidBlobKeyError } from './blob-store.ts';
import { HOSTILE_KEYS, runBlobStoreContract } from './contract.ts';
import { gridFsBlobStore, openGridFsBlobStore } from './gridfs.ts';
import { openBlobStore } from './open.ts';
import { freshDatabases, mongoUri, skipWithoutMongo, withDatabase } from '../mongo/testing.ts';

const uri = mongoUri;
if (uri) {
  const freshDatabase = freshDatabases(uri, 'parley_blobs');
  // Each store gets a database of its own, so that each starts empty.
  runBlobStoreContract('gridfs', () => {
    return openGridFsBlobStore(withDatabase(uri, freshDatabase()));
  });
} else {
  skipWithoutMongo({
    reason:
      '[gridfs] BlobStore contract skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs it against a mongo:7 single-node replica set)',
    suite: 'BlobStore contract: gridfs (set MONGODB_URI to run it)',
    test: 'runs the shared BlobStore contract against MongoDB GridFS',
  });
}

describe('gridfs blob store without a server', () => {
  it('refuses hostile keys before any I/O', async () => {
    // A bucket that fails every call: a refused key never reaches it.
    const bucket = new Proxy(
      {},
      {
        get() {
          throw new Error('the bucket was used');
        },
      },
    ) as mongoose.mongo.GridFSBucket;
    const blobs = gridFsBlobStore(bucket, async () => {});

    for (const key of HOSTILE_KEYS) {
      await expect(blobs.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(blobs.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(blobs.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
  });

  it('is what openBlobStore gives with MongoDB, and fails fast without the password', async () => {
    const started = Date.now();
    const error = await openBlobStore(
      'mongodb://app:s3cret@127.0.0.1:1/parley?serverSelectionTimeoutMS=300',
      '/nonexistent',
    ).then(
      () => null,
      (thrown: unknown) => thrown as Error,
    );

    expect(error?.message).toMatch(
      /^cannot open GridFS blob store at mongodb:\/\/\*\*\*@127\.0\.0\.1:1/,
    );
    expect(error?.message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
