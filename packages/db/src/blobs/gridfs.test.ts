import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { rotateEncryptionKey } from '../rotate.ts';
import { InvalidBlobKeyError, type BlobStore } from './blob-store.ts';
import { HOSTILE_KEYS, runBlobStoreContract } from './contract.ts';
import { BlobKeyError } from './envelope.ts';
import {
  GRIDFS_BUCKET,
  gridFsBlobStore,
  openGridFsBlobStore,
  sweepOrphanChunks,
} from './gridfs.ts';
import { openBlobStore } from './open.ts';
import { freshDatabases, mongoUri, skipWithoutMongo, withDatabase } from '../mongo/testing.ts';

const uri = mongoUri;
if (uri) {
  const freshDatabase = freshDatabases(uri, 'parley_blobs');
  // Each store gets a database of its own, so that each starts empty.
  runBlobStoreContract('gridfs', () => {
    return openGridFsBlobStore(withDatabase(uri, freshDatabase()));
  });
  runBlobStoreContract('gridfs, encrypted', () => {
    return openBlobStore(withDatabase(uri, freshDatabase()), '/nonexistent', randomBytes(32));
  });

  const read = async (blobs: BlobStore, key: string) => {
    const blob = await blobs.get(key);
    if (!blob) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  };

  describe('gridfs blob store with a server', () => {
    it('keeps the bytes it had when a replacing put fails', async () => {
      const blobs = await openGridFsBlobStore(withDatabase(uri, freshDatabase()));
      try {
        await blobs.put('k1.display', Buffer.from('first'));
        const failing = new Readable({
          read() {
            this.push(Buffer.alloc(300 * 1024, 1));
            this.destroy(new Error('client went away'));
          },
        });
        await expect(blobs.put('k1.display', failing)).rejects.toThrow('client went away');
        expect(await read(blobs, 'k1.display')).toBe('first');
      } finally {
        await blobs.close();
      }
    });

    it('leaves one whole blob after puts of the same key at once', async () => {
      const dbUri = withDatabase(uri, freshDatabase());
      const blobs = await openGridFsBlobStore(dbUri);
      const conn = await mongoose.createConnection(dbUri).asPromise();
      try {
        const versions = ['a', 'b', 'c', 'd'].map((v) => Buffer.alloc(400 * 1024, v));
        await Promise.all(versions.map((bytes) => blobs.put('k2.display', bytes)));
        const stored = await read(blobs, 'k2.display');
        expect(versions.map((bytes) => bytes.toString())).toContain(stored);
        const files = conn.db!.collection(`${GRIDFS_BUCKET}.files`);
        expect(await files.countDocuments({ filename: 'k2.display' })).toBe(1);
        await blobs.delete('k2.display');
        expect(await conn.db!.collection(`${GRIDFS_BUCKET}.chunks`).countDocuments()).toBe(0);
      } finally {
        await conn.close();
        await blobs.close();
      }
    });

    it('keeps only ciphertext in GridFS, and re-wraps every blob on rotation', async () => {
      const dbUri = withDatabase(uri, freshDatabase());
      const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
      const image = Buffer.concat(
        Array.from({ length: 5000 }, (_, n) => Buffer.from(`PARLEY-SECRET-IMAGE-${n};`)),
      );
      const blobs = await openBlobStore(dbUri, '/nonexistent', oldKey);
      await blobs.put('k4.display', image);
      await blobs.close();
      const conn = await mongoose.createConnection(dbUri).asPromise();
      try {
        const chunks = await conn.db!.collection(`${GRIDFS_BUCKET}.chunks`).find().toArray();
        expect(chunks.length).toBeGreaterThan(1);
        for (const chunk of chunks) {
          expect(Buffer.from(chunk.data.buffer).includes('PARLEY-SECRET')).toBe(false);
        }
      } finally {
        await conn.close();
      }

      const rotation = await rotateEncryptionKey({
        databaseUrl: dbUri,
        dataDir: '/nonexistent',
        from: oldKey,
        to: newKey,
      });

      expect(rotation).toEqual({
        databaseRekeyed: false,
        blobs: { encrypted: 0, rewrapped: 1, unchanged: 0 },
      });
      await expect(openBlobStore(dbUri, '/nonexistent', oldKey)).rejects.toBeInstanceOf(
        BlobKeyError,
      );
      const rotated = await openBlobStore(dbUri, '/nonexistent', newKey);
      try {
        expect(await read(rotated, 'k4.display')).toBe(image.toString());
      } finally {
        await rotated.close();
      }
    });

    it('sweeps the chunks of uploads that died, only once they are old', async () => {
      const dbUri = withDatabase(uri, freshDatabase());
      const blobs = await openGridFsBlobStore(dbUri);
      const conn = await mongoose.createConnection(dbUri).asPromise();
      try {
        await blobs.put('kept.display', Buffer.from('whole'));
        const chunks = conn.db!.collection(`${GRIDFS_BUCKET}.chunks`);
        const { ObjectId } = mongoose.mongo;
        const hourAgo = Math.floor(Date.now() / 1000) - 3600;
        const dead = new ObjectId();
        const live = new ObjectId();
        await chunks.insertMany([
          { _id: ObjectId.createFromTime(hourAgo), files_id: dead, n: 0, data: Buffer.from('x') },
          { _id: ObjectId.createFromTime(hourAgo), files_id: live, n: 0, data: Buffer.from('y') },
          { _id: new ObjectId(), files_id: live, n: 1, data: Buffer.from('z') },
        ]);

        expect(await sweepOrphanChunks(conn.db!, new Date(Date.now() - 60_000))).toBe(1);

        expect(await chunks.countDocuments({ files_id: dead })).toBe(0);
        expect(await chunks.countDocuments({ files_id: live })).toBe(2);
        expect(await read(blobs, 'kept.display')).toBe('whole');
      } finally {
        await conn.close();
        await blobs.close();
      }
    });
  });
} else {
  skipWithoutMongo({
    reason:
      '[gridfs] BlobStore contract skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs it against a MongoDB 7.0 single-node replica set)',
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
      Buffer.alloc(32),
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
