/**
 * Counts queries and mutations being answered, so a shutdown can let them finish: `drain()`
 * makes new calls refused, `idle()` resolves once the running ones are done.
 */
export function createInflight() {
  let running = 0;
  let draining = false;
  const waiters = new Set<() => void>();

  return {
    /** Counts one call; call the returned function when it has answered. */
    begin(): () => void {
      running += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        running -= 1;
        if (running === 0) for (const wake of [...waiters]) wake();
      };
    },
    get running() {
      return running;
    },
    get draining() {
      return draining;
    },
    drain(): void {
      draining = true;
    },
    /** Resolves true once nothing runs, or false after `timeoutMs`. */
    idle(timeoutMs: number): Promise<boolean> {
      if (running === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}

export type Inflight = ReturnType<typeof createInflight>;
