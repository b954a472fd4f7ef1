import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createFairQueue } from './image-queue.ts';

/** A task that runs until `finish()` is called, recording when it started. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createFairQueue', () => {
  it('runs at most `concurrency` tasks at once and lets owners take turns', async () => {
    const queue = createFairQueue({ concurrency: 1, maxWaiting: 10, maxWaitingPerOwner: 10 });
    const started: string[] = [];
    const tasks = {
      a1: gate(started, 'a1'),
      a2: gate(started, 'a2'),
      a3: gate(started, 'a3'),
      b1: gate(started, 'b1'),
      c1: gate(started, 'c1'),
    };
    const runs = [
      queue.run('a', tasks.a1.task),
      queue.run('a', tasks.a2.task),
      queue.run('a', tasks.a3.task),
      queue.run('b', tasks.b1.task),
      queue.run('c', tasks.c1.task),
    ];
    for (const name of ['a1', 'a2', 'b1', 'c1', 'a3'] as const) {
      await settle();
      expect(started.at(-1)).toBe(name);
      tasks[name].finish();
    }
    expect(await Promise.all(runs)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
    // a1 ran at once; then a's second image, then b and c before a's third.
    expect(started).toEqual(['a1', 'a2', 'b1', 'c1', 'a3']);
  });

  it('refuses past the per-owner and total waiting limits with TOO_MANY_REQUESTS and a retry-after', async () => {
    const queue = createFairQueue({ concurrency: 1, maxWaiting: 2, maxWaitingPerOwner: 1 });
    const log: string[] = [];
    const running = gate(log, 'running');
    const first = queue.run('a', running.task);
    const waitingA = queue.run('a', async () => 'a waited');
    const refusedA = await queue.run('a', async () => 'never').catch((e: unknown) => e);
    expect(refusedA).toBeInstanceOf(AppError);
    expect((refusedA as AppError).code).toBe('TOO_MANY_REQUESTS');
    expect((refusedA as AppError).message).toMatch(
      /^Your other images are still being processed\. Try again in \d+ s\.$/,
    );
    expect((refusedA as AppError).details.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    const waitingB = queue.run('b', async () => 'b waited');
    expect(() => queue.admit('c')).toThrow(/^Too many images are being processed\./);

    running.finish();
    expect(await Promise.all([first, waitingA, waitingB])).toEqual([
      'running',
      'a waited',
      'b waited',
    ]);
    // Once drained, anyone is admitted again.
    expect(() => queue.admit('c')).not.toThrow();
  });

  it('frees the slot of a task that failed', async () => {
    const queue = createFairQueue({ concurrency: 1, maxWaiting: 1, maxWaitingPerOwner: 1 });
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('b', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
