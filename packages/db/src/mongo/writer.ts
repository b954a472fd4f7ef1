import { TransactionTimeoutError } from './transactions.ts';
import { duplicateKeyFields } from './errors.ts';

/** A write that runs inside a shared transaction, given what that transaction offers (`Tx`). */
export type WriteOp<Tx, T> = (tx: Tx) => Promise<T>;

/** Runs the ops one after another in one transaction; resolves with their results once committed. */
export type Commit<Tx> = (ops: WriteOp<Tx, unknown>[]) => Promise<unknown[]>;

export interface Writer<Tx> {
  /** Queues the op; resolves with its result once its transaction committed. */
  run<T>(op: WriteOp<Tx, T>): Promise<T>;
  /** Resolves once every op queued so far has committed or failed. */
  drain(): Promise<void>;
}

/** At most this many ops share one transaction; the rest wait for the next one. */
export const MAX_OPS_PER_COMMIT = 64;

/** A single op whose transaction hit a duplicate key runs again this many more times. */
const DUPLICATE_RETRIES = 2;

interface Queued<Tx> {
  op: WriteOp<Tx, unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the writes that append to the event log. Such transactions run one at a time
 * across all processes (each claims the log's counter first, see `logCommitter`), so in this
 * process they run one after another, and the ops queued in the meantime (at least those of one
 * turn of the event loop) share the next transaction: one claim, one commit for all of them.
 *
 * When a shared transaction fails, each of its ops runs again in a transaction of its own, so one
 * bad op (a refused send) fails alone. A deadline (TransactionTimeoutError) fails the whole batch
 * at once: running each op again would only multiply the wait. Every promise settles after its
 * commit, never before: a send is acknowledged only once stored.
 */
export function createWriter<Tx>(commit: Commit<Tx>, maxOps = MAX_OPS_PER_COMMIT): Writer<Tx> {
  let queue: Queued<Tx>[] = [];
  let running: Promise<void> | null = null;

  const commitAlone = async ({ op, resolve, reject }: Queued<Tx>) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        resolve((await commit([op]))[0]);
        return;
      } catch (error) {
        // A concurrent writer in another process inserted the same key (a direct conversation's
        // pair, a clientMessageId) after this transaction's snapshot: the next attempt sees it.
        if (duplicateKeyFields(error) && attempt < DUPLICATE_RETRIES) continue;
        reject(error);
        return;
      }
    }
  };

  const commitBatch = async (batch: Queued<Tx>[]) => {
    if (batch.length === 1) return commitAlone(batch[0]!);
    let results: unknown[];
    try {
      results = await commit(batch.map((queued) => queued.op));
    } catch (error) {
      if (error instanceof TransactionTimeoutError) {
        for (const queued of batch) queued.reject(error);
        return;
      }
      for (const queued of batch) await commitAlone(queued);
      return;
    }
    batch.forEach((queued, i) => queued.resolve(results[i]));
  };

  const loop = async () => {
    // Let the rest of this turn queue its ops first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxOps);
      queue = queue.slice(batch.length);
      await commitBatch(batch);
    }
    running = null;
  };

  return {
    run<T>(op: WriteOp<Tx, T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
        running ??= loop();
      });
    },

    async drain() {
      while (running) await running;
    },
  };
}
