import type { ClientSession, Connection } from 'mongoose';
import { describe, expect, it } from 'vitest';
import {
  runTransaction,
  TRANSACTION_DEADLINE_MS,
  TRANSACTION_OPTIONS,
  TransactionTimeoutError,
} from './transactions.ts';

/** Calls the callback as the driver does after transient errors: again, `attempts` times. */
function retryingConnection(attempts: number, seen: { options?: unknown }) {
  return {
    async transaction(fn: (session: ClientSession) => Promise<unknown>, options: unknown) {
      seen.options = options;
      let last: unknown;
      for (let i = 0; i < attempts; i += 1) {
        try {
          return await fn({} as ClientSession);
        } catch (error) {
          last = error;
        }
      }
      throw last;
    },
  } as unknown as Connection;
}

describe('runTransaction', () => {
  it('asks for snapshot reads, majority commits on the primary, and a bounded commit', async () => {
    const seen: { options?: unknown } = {};
    expect(await runTransaction(retryingConnection(1, seen), async () => 42)).toBe(42);
    expect(seen.options).toEqual(TRANSACTION_OPTIONS);
    expect(TRANSACTION_OPTIONS).toMatchObject({
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority' },
      maxCommitTimeMS: expect.any(Number),
    });
  });

  it('stops retrying past its deadline', async () => {
    let clock = 0;
    let runs = 0;
    const work = async () => {
      runs += 1;
      clock += TRANSACTION_DEADLINE_MS / 2;
      throw Object.assign(new Error('WriteConflict'), { code: 112 });
    };

    const error = await runTransaction(retryingConnection(10, {}), work, () => clock).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(TransactionTimeoutError);
    expect(runs).toBe(3);
  });
});
