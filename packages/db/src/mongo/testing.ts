import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, it } from 'vitest';

/** For tests: the MongoDB server to test against (a replica set), when there is one. */
export const mongoUri: string | undefined = process.env.MONGODB_URI;

/** A database name of its own: `<prefix>_<random hex>`. */
export function randomDatabaseName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

// Puts `name` in the database part of `uri`. The database in a URI is also the default
// authSource, so a URI with credentials keeps authenticating where it did before.
export function withDatabase(uri: string, name: string): string {
  const parts = /^(mongodb(?:\+srv)?:\/\/([^/?]*))(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!parts?.[1]) throw new Error('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
  const [, base, authority = '', database = '', query = ''] = parts;
  const params = new URLSearchParams(query);
  if (authority.includes('@') && !params.has('authSource'))
    params.set('authSource', database || 'admin');
  const search = params.toString();
  return `${base}/${name}${search ? `?${search}` : ''}`;
}

/**
 * Fresh databases on `uri`, each dropped after the test file's tests: call at the top of a test
 * file; the returned function gives a new database name (`<prefix>_<random hex>`) per call.
 */
export function freshDatabases(uri: string, prefix: string): () => string {
  const databases: string[] = [];
  afterAll(async () => {
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      for (const name of databases) await conn.getClient().db(name).dropDatabase();
    } finally {
      await conn.close();
    }
  });
  return () => {
    const name = randomDatabaseName(prefix);
    databases.push(name);
    return name;
  };
}

/** Without MONGODB_URI: prints why and registers the suite as skipped. */
export function skipWithoutMongo(skipped: { reason: string; suite: string; test: string }): void {
  console.warn(skipped.reason);
  // The reason is in the suite's name too, so every reporter prints it beside the skip.
  describe.skip(`${skipped.suite} — skipped: ${skipped.reason}`, () => {
    it(skipped.test, () => {});
  });
}
