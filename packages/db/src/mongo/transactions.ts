import type { ClientSession, Connection, mongo } from 'mongoose';

/**
 * How long one call may keep retrying its transaction. The driver's `withTransaction` runs the
 * callback again after a transient error (a write conflict with a concurrent transaction) for
 * up to 120 s, and its own `timeoutMS` option has no effect (driver 7): each attempt checks
 * this deadline first and gives up with `TransactionTimeoutError`.
 */
export const TRANSACTION_DEADLINE_MS = 15_000;

/**
 * How long the commit may wait for its write concern. Past it the commit fails with
 * MaxTimeMSExpired, which `withTransaction` does not retry: the outcome is then unknown to
 * the caller (a send retried with the same clientMessageId is still stored once).
 */
export const MAX_COMMIT_TIME_MS = 5_000;

/**
 * Every transaction: reads from one snapshot (majority-committed once it commits with
 * `w: majority`), on the primary, committed once a majority of the set has it.
 */
export const TRANSACTION_OPTIONS: mongo.TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
  maxCommitTimeMS: MAX_COMMIT_TIME_MS,
};

/** A transaction kept failing with transient errors past TRANSACTION_DEADLINE_MS. */
export class TransactionTimeoutError extends Error {
  constructor(readonly attempts: number) {
    super(
      `the transaction did not commit within ${TRANSACTION_DEADLINE_MS} ms (${attempts} attempts)`,
    );
    this.name = 'TransactionTimeoutError';
  }
}

/**
 * Runs `work` in a transaction and resolves with its result once committed. `work` may run
 * several times (after a transient error): it must only read and write through `session`,
 * await every operation in turn (the driver forbids concurrent operations in a transaction)
 * and rethrow every error it meets.
 */
export function runTransaction<T>(
  conn: Connection,
  work: (session: ClientSession) => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  const deadline = now() + TRANSACTION_DEADLINE_MS;
  let attempts = 0;
  return conn.transaction(async (session) => {
    attempts += 1;
    if (attempts > 1 && now() > deadline) throw new TransactionTimeoutError(attempts - 1);
    return work(session);
  }, TRANSACTION_OPTIONS);
}
