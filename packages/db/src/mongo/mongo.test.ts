import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, it, vi } from 'vitest';
import { runStoreContract } from '../contract/index.ts';
import { openMongoStore } from './index.ts';

const uri = process.env.MONGODB_URI;

if (uri) {
  // Transactions that conflict are retried with backoff; the concurrency tests need the room.
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
  const databases: string[] = [];

  // The contract wants a fresh, empty store from every call: each gets a database of its own.
  runStoreContract('mongo', () => {
    const name = `parley_test_${randomUUID().replaceAll('-', '')}`;
    databases.push(name);
    return openMongoStore(withDatabase(uri, name));
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
  console.warn(
    '[mongo] contract suite skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs it against a mongo:7 single-node replica set)',
  );
  describe.skip('Store contract: mongo (set MONGODB_URI to a replica set to run it)', () => {
    it('runs the shared Store contract against MongoDB', () => {});
  });
}

// Puts `name` in the database part of `uri`. The database in a URI is also the default
// authSource, so a URI with credentials keeps authenticating where it did before.
function withDatabase(uri: string, name: string): string {
  const parts = /^(mongodb(?:\+srv)?:\/\/([^/?]*))(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!parts?.[1]) throw new Error('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
  const [, base, authority = '', database = '', query = ''] = parts;
  const params = new URLSearchParams(query);
  if (authority.includes('@') && !params.has('authSource'))
    params.set('authSource', database || 'admin');
  const search = params.toString();
  return `${base}/${name}${search ? `?${search}` : ''}`;
}
