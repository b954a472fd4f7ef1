import { AppError } from '../errors.ts';

export interface FairQueueLimits {
  /** Tasks running at once. */
  concurrency: number;
  /** Tasks waiting for a slot, everyone's together; past it new ones are refused. */
  maxWaiting: number;
  /** Tasks of one owner waiting for a slot. */
  maxWaitingPerOwner: number;
}

/**
 * A bounded queue that takes turns between owners: when a slot frees, the next task comes from
 * the owner after the one served last, so a task waits for the running ones and at most one task
 * of each other owner, however many those have queued. A task that would wait past the limits is refused at once with
 * TOO_MANY_REQUESTS and a retry-after estimated from the recent task durations.
 */
export function createFairQueue(limits: FairQueueLimits) {
  /** Per owner, the wake-ups of their waiting tasks; the map's order is the order of turns. */
  const waiting = new Map<string, (() => void)[]>();
  let waitingCount = 0;
  let running = 0;
  /** Moving average of a task's duration, for the retry-after estimate. */
  let averageMs = 1000;

  function refuse(message: string): AppError {
    const queued = waitingCount + running;
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((queued / limits.concurrency) * (averageMs / 1000)),
    );
    return new AppError('TOO_MANY_REQUESTS', `${message} Try again in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  }

  /** Throws TOO_MANY_REQUESTS if a task of `owner` would have to wait and cannot. */
  function admit(owner: string): void {
    if (running < limits.concurrency && waitingCount === 0) return;
    if ((waiting.get(owner)?.length ?? 0) >= limits.maxWaitingPerOwner) {
      throw refuse('Your other images are still being processed.');
    }
    if (waitingCount >= limits.maxWaiting) throw refuse('Too many images are being processed.');
  }

  /**
   * Gives the free slot to the first waiting task of the owner whose turn it is; that owner
   * then goes to the back of the turns.
   */
  function startNext(): void {
    const [owner, wakes] = waiting.entries().next().value ?? [];
    if (owner === undefined || !wakes || running >= limits.concurrency) return;
    const wake = wakes.shift()!;
    waiting.delete(owner);
    if (wakes.length > 0) waiting.set(owner, wakes);
    waitingCount -= 1;
    running += 1;
    wake();
  }

  return {
    admit,

    /** Runs `task` for `owner` in its turn, or throws TOO_MANY_REQUESTS (see `admit`). */
    async run<T>(owner: string, task: () => Promise<T>): Promise<T> {
      admit(owner);
      if (running < limits.concurrency && waitingCount === 0) running += 1;
      else {
        // startNext takes the slot for it.
        await new Promise<void>((resolve) => {
          const wakes = waiting.get(owner) ?? [];
          wakes.push(resolve);
          waiting.set(owner, wakes);
          waitingCount += 1;
        });
      }
      const started = performance.now();
      try {
        return await task();
      } finally {
        averageMs = 0.8 * averageMs + 0.2 * (performance.now() - started);
        running -= 1;
        startNext();
      }
    },
  };
}
