import { vi } from 'vitest';
import { runStoreContract } from '../contract/index.ts';
import { openMongoStore } from './index.ts';
import { freshDatabases, mongoUri, skipWithoutMongo, withDatabase } from './testing.ts';

const uri = mongoUri;
if (uri) {
  // Transactions that conflict are retried with backoff; the concurrency tests need the room.
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
  const freshDatabase = freshDatabases(uri, 'parley_test');

  // The contract wants a fresh, empty store from every call: each gets a database of its own.
  runStoreContract('mongo', () => openMongoStore(withDatabase(uri, freshDatabase())));
} else {
  skipWithoutMongo({
    reason:
      '[mongo] contract suite skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs it against a mongo:7 single-node replica set)',
    suite: 'Store contract: mongo (set MONGODB_URI to a replica set to run it)',
    test: 'runs the shared Store contract against MongoDB',
  });
}
