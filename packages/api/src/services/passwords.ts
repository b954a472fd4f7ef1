import { availableParallelism } from 'node:os';
import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';
import { AppError } from '../errors.ts';

/** argon2id at OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane. */
const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

const COMMON_PASSWORDS = new Set(
  (dictionary['passwords-common'] as string[]).slice(0, 1000).map((p) => p.toLowerCase()),
);

/**
 * Runs at most `max` jobs at once; the rest wait in order, at most `maxWaiting` of them (more are
 * refused with TOO_MANY_REQUESTS).
 */
export function createLimiter(max: number, maxWaiting: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (running < max) running++;
      else {
        if (waiting.length >= maxWaiting) {
          throw new AppError(
            'TOO_MANY_REQUESTS',
            'Too many sign-ins at this moment. Try again in a few seconds.',
            {
              retryAfterSeconds: 2,
            },
          );
        }
        // The finishing job hands its slot over: `running` stays as it is.
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      try {
        return await job();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/**
 * argon2 runs on libuv's threads, off the event loop, but each hash still takes a core for tens of
 * milliseconds. On a small machine, four at once (libuv's pool) leave the event loop no core, and
 * a burst of logins stalls every chat. At most one hash per core beyond the first runs at a time:
 * a burst of logins slows logins down, not messages.
 */
const hashSlots = Math.max(1, availableParallelism() - 1);
// A hash takes ~50 ms of a core: 64 waiting per slot is a wait of about 3 s. Past that a sign-in
// is refused at once with a retry-after, not answered half a minute later.
const hashing = createLimiter(hashSlots, 64 * hashSlots);

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => argon2.hash(password, HASH_OPTIONS));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashing.run(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
