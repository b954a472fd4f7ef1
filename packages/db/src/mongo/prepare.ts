import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection, mongo } from 'mongoose';
import { duplicateKeyFields } from './errors.ts';
import { EVENT_COUNTER } from './events.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import type { Models } from './models.ts';
import { assertTransactions } from './topology.ts';

/** How long the start-up lease lasts unless renewed (a third of it) by its holder. */
export const LEASE_MS = 30_000;
/** How long a starting process waits for another one to finish preparing the database. */
export const LEASE_WAIT_MS = 10 * 60_000;

interface MetaDoc {
  _id: string;
  version?: number;
  owner?: string;
  until?: Date;
}

/**
 * Makes the database ready for this build, once, however many processes start at once: checks
 * that the server runs transactions, then under a lease (one process at a time) creates the
 * collections, syncs their indexes with the schema (dropping indexes it no longer defines,
 * recreating those whose options changed) and migrates the data. Returns the log's first id.
 */
export async function prepareDatabase(
  conn: Connection,
  models: Models,
): Promise<{ first: number }> {
  await assertTransactions(conn);
  const meta = conn.db!.collection<MetaDoc>('meta');
  return withLease(meta, async () => {
    const version = (await meta.findOne({ _id: 'schema' }))?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `database schema v${version} is newer than this build knows (v${SCHEMA_VERSION})`,
      );
    }
    for (const model of Object.values(models)) {
      await model.createCollection(); // a no-op when it exists (mongoose ignores NamespaceExists)
      await model.syncIndexes();
    }
    for (const step of MIGRATIONS.filter((migration) => migration.version > version)) {
      await step.up(conn.db!);
      await meta.updateOne(
        { _id: 'schema' },
        { $set: { version: step.version } },
        { upsert: true },
      );
    }
    const counter = await models.Counter.findById(EVENT_COUNTER).lean();
    if (!counter) {
      throw new Error(
        'the event log has no counter (collection counters, _id "events") although the schema ' +
          'is current: restore it from a backup; a new one would give ids already given',
      );
    }
    return { first: counter.first };
  });
}

/** Runs `work` holding the start-up lease (the document `lock` of `meta`). */
export async function withLease<T>(
  meta: mongo.Collection<MetaDoc>,
  work: () => Promise<T>,
): Promise<T> {
  const owner = randomUUID();
  const deadline = Date.now() + LEASE_WAIT_MS;
  while (!(await tryAcquire(meta, owner))) {
    if (Date.now() > deadline) {
      throw new Error(
        `another process has been preparing the database for ${LEASE_WAIT_MS / 60_000} minutes ` +
          '(the document "lock" of the collection meta)',
      );
    }
    await sleep(500);
  }
  const renew = setInterval(() => {
    meta
      .updateOne({ _id: 'lock', owner }, { $set: { until: new Date(Date.now() + LEASE_MS) } })
      .catch(() => undefined);
  }, LEASE_MS / 3);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await meta.deleteOne({ _id: 'lock', owner }).catch(() => undefined);
  }
}

// Takes the lease when nobody holds it or its holder stopped renewing it: the filter matches
// only an expired lock; otherwise the upsert inserts a second `lock`, which the _id refuses.
async function tryAcquire(meta: mongo.Collection<MetaDoc>, owner: string): Promise<boolean> {
  const now = new Date();
  try {
    await meta.updateOne(
      { _id: 'lock', until: { $lt: now } },
      { $set: { owner, until: new Date(now.getTime() + LEASE_MS) } },
      { upsert: true },
    );
    return true;
  } catch (error) {
    if (duplicateKeyFields(error)) return false;
    throw error;
  }
}
