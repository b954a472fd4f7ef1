import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createLimiter, hashPassword, verifyPassword } from './passwords.ts';

describe('password hashing limiter', () => {
  it('runs at most `max` jobs at once, the rest in order', async () => {
    const limiter = createLimiter(2, 10);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const job = (n: number) => async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      order.push(n);
      active--;
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => limiter.run(job(n))));
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
    expect(order.slice(2)).toEqual([3, 4, 5, 6]);
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
  });

  it('refuses with TOO_MANY_REQUESTS when too many wait, and keeps going after a failed job', async () => {
    const limiter = createLimiter(1, 1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const second = limiter.run(async () => {
      throw new Error('boom');
    });
    await expect(limiter.run(async () => 'third')).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    await expect(limiter.run(async () => 'x')).rejects.toBeInstanceOf(AppError);
    release();
    await first;
    await expect(second).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'after')).toBe('after');
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
  });

  it('still hashes and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
  });
});
