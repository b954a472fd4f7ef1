import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError } from './blob-store.ts';
import { HOSTILE_KEYS, runBlobStoreContract } from './contract.ts';
import { gridFsBlobStore, openGridFsBlobStore } from './gridfs.ts';
import { openBlobStore } from './open.ts';

const uri = process.env.MONGODB_URI;

if (uri) {
  const databases: string[] = [];
  // Each store gets a database of its own, so that each starts empty.
  runBlobStoreContract('gridfs', () => {
    const name = `parley_blobs_${randomUUID().replaceAll('-', '')}`;
    databases.push(name);
    const url = new URL(uri);
    url.pathname = `/${name}`;
    return openGridFsBlobStore(url.toString());
  });

  afterAll(async () => {
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      for (const name of databases) await conn.getClient().db(name).dropDatabase();
    } finally {
      await conn.close();
    }
  });
} else {
  describe.skip('BlobStore contract: gridfs (set MONGODB_URI to run it)', () => {
    it('runs the shared BlobStore contract against MongoDB GridFS', () => {});
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
