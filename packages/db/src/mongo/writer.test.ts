import { describe, expect, it } from 'vitest';
import { TransactionTimeoutError } from './transactions.ts';
import { createWriter, type WriteOp } from './writer.ts';

type Log = string[];

/** A fake transaction runner: records each commit's ops, fails as told. */
function fakeCommits(fail: (names: string[]) => unknown = () => null) {
  const commits: string[][] = [];
  let committed = 0;
  const commit = async (ops: WriteOp<Log, unknown>[]) => {
    const log: Log = [];
    const results = [];
    for (const op of ops) results.push(await op(log));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const error = fail(log);
    if (error) throw error;
    commits.push(log);
    committed += ops.length;
    return results;
  };
  return { commit, commits, committed: () => committed };
}

const named =
  (name: string): WriteOp<Log, string> =>
  async (log) => {
    log.push(name);
    return `${name}!`;
  };

describe('group commit writer', () => {
  it('commits the ops of one turn in one transaction, resolving each after the commit', async () => {
    const fake = fakeCommits();
    const writer = createWriter(fake.commit);
    const settled: number[] = [];

    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        writer.run(named(name)).then((result) => {
          settled.push(fake.committed());
          return result;
        }),
      ),
    );

    expect(results).toEqual(['a!', 'b!', 'c!']);
    expect(fake.commits).toEqual([['a', 'b', 'c']]);
    expect(settled).toEqual([3, 3, 3]);
  });

  it('batches what arrives while a transaction runs into the next one', async () => {
    const fake = fakeCommits();
    const writer = createWriter(fake.commit);
    const first = writer.run(named('a'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    const later = ['b', 'c'].map((name) => writer.run(named(name)));

    await Promise.all([first, ...later]);

    expect(fake.commits).toEqual([['a'], ['b', 'c']]);
  });

  it('caps the ops of one transaction', async () => {
    const fake = fakeCommits();
    const writer = createWriter(fake.commit, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => writer.run(named(name))));
    expect(fake.commits).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('runs each op of a failed batch alone, so that only the bad one fails', async () => {
    const fake = fakeCommits((names) => (names.includes('bad') ? new Error('refused') : null));
    const writer = createWriter(fake.commit);

    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((n) => writer.run(named(n))));

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(fake.commits).toEqual([['a'], ['c']]);
  });

  it('fails the whole batch at once past the transaction deadline', async () => {
    const timeout = new TransactionTimeoutError(7);
    const fake = fakeCommits(() => timeout);
    const writer = createWriter(fake.commit);

    const outcomes = await Promise.allSettled(['a', 'b'].map((n) => writer.run(named(n))));

    expect(outcomes).toEqual([
      { status: 'rejected', reason: timeout },
      { status: 'rejected', reason: timeout },
    ]);
  });

  it('tries an op alone again after a duplicate key (another process inserted it first)', async () => {
    let attempts = 0;
    const duplicate = Object.assign(new Error('E11000'), {
      code: 11000,
      keyPattern: { pairKey: 1 },
    });
    const fake = fakeCommits(() => (++attempts < 3 ? duplicate : null));
    const writer = createWriter(fake.commit);

    expect(await writer.run(named('a'))).toBe('a!');
    expect(attempts).toBe(3);

    attempts = -10;
    await expect(writer.run(named('b'))).rejects.toBe(duplicate);
  });

  it('drains: resolves once everything queued has settled', async () => {
    const fake = fakeCommits();
    const writer = createWriter(fake.commit);
    const pending = ['a', 'b'].map((name) => writer.run(named(name)));

    await writer.drain();

    expect(fake.committed()).toBe(2);
    await Promise.all(pending);
    await writer.drain();
  });
});
