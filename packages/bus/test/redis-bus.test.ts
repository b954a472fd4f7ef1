import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BusPublishError, createRedisBus, type BusMessage, type RedisBus } from '../src/index.ts';
import { waitFor } from '@parley/testing';
import { startTestRedis, type TestRedis } from '../src/testing.ts';

describe('Redis bus (real redis-server)', () => {
  let redis: TestRedis;
  const errors: unknown[] = [];
  const open: RedisBus[] = [];
  /** A bus as another process would have: its own two connections. */
  async function bus(opts: { publishRetryMs?: number } = {}) {
    const b = await createRedisBus(redis.url, { ...opts, onError: (e) => errors.push(e) });
    open.push(b);
    return b;
  }

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    errors.length = 0;
  });
  afterAll(() => redis.stop());

  it('carries messages between two buses, and Dates survive', async () => {
    const [a, b] = [await bus(), await bus()];
    const got: BusMessage[] = [];
    await a.subscribe('room', (m) => got.push(m));
    const at = new Date('2030-01-02T03:04:05.678Z');
    await b.publish('room', { n: 1, at });
    await b.publish('room', { n: 2, at: null });
    await waitFor(() => got.length === 2, 3000, 'both messages');
    expect(got[0]).toEqual({ n: 1, at });
    expect((got[0] as { at: Date }).at).toBeInstanceOf(Date);
    expect(got[1]).toEqual({ n: 2, at: null });
  });

  it('unsubscribes: the handler stops and Redis forgets the channel once nobody listens', async () => {
    const [a, b] = [await bus(), await bus()];
    const first: BusMessage[] = [];
    const second: BusMessage[] = [];
    const stopFirst = await a.subscribe('t', (m) => first.push(m));
    const stopSecond = await a.subscribe('t', (m) => second.push(m));
    await b.publish('t', 1);
    await waitFor(() => first.length === 1 && second.length === 1, 3000, 'the first message');
    stopFirst();
    stopFirst(); // idempotent
    await b.publish('t', 2);
    await waitFor(() => second.length === 2, 3000, 'the second message');
    expect(first).toEqual([1]);
    stopSecond();
    // UNSUBSCRIBE went out on the subscriber connection: nobody is subscribed any more.
    for (let i = 0; i < 50; i++) {
      const [, count] = (await b.redis.pubsub('NUMSUB', 't')) as [string, number];
      if (count === 0) break;
      await sleep(20);
    }
    expect(((await b.redis.pubsub('NUMSUB', 't')) as [string, number])[1]).toBe(0);
    await b.publish('t', 3);
    await sleep(100);
    expect(second).toEqual([1, 2]);
  });

  it('a handler that throws does not stop the others', async () => {
    const [a, b] = [await bus(), await bus()];
    const got: BusMessage[] = [];
    await a.subscribe('t2', () => {
      throw new Error('boom');
    });
    await a.subscribe('t2', (m) => got.push(m));
    await b.publish('t2', 'x');
    await waitFor(() => got.length === 1, 3000, 'the message');
    expect(errors.some((e) => e instanceof Error && e.message === 'boom')).toBe(true);
  });

  it('rejects a publish it could not hand over within the retry bound (never drops it silently)', async () => {
    const a = await bus({ publishRetryMs: 600 });
    await redis.kill();
    try {
      const started = Date.now();
      const failure = await a.publish('t', 'lost?').then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(BusPublishError);
      expect((failure as BusPublishError).attempts).toBeGreaterThan(1);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await redis.start();
    }
  });

  it('survives a Redis restart: a publish in flight waits for it, subscriptions come back and resync is signalled', async () => {
    const [a, b] = [await bus(), await bus({ publishRetryMs: 8000 })];
    const got: BusMessage[] = [];
    let resyncs = 0;
    await a.subscribe('live', (m) => got.push(m));
    a.onResync(() => (resyncs += 1));
    await b.publish('live', 'before');
    await waitFor(() => got.length === 1, 3000, 'the message before the restart');

    await redis.kill();
    const inFlight = b.publish('live', 'during');
    await sleep(400);
    await redis.start();
    await inFlight; // retried until Redis was back, then resolved
    await waitFor(() => resyncs >= 1, 5000, 'the subscriber to resubscribe');
    await b.publish('live', 'after');
    await waitFor(() => got.includes('after'), 3000, 'the message after the restart');
    expect(got[0]).toBe('before');
    // 'during' may have been published before A resubscribed: that is what resync is for.
    expect(got.filter((m) => m === 'after')).toHaveLength(1);
    // Errors were reported once per outage and connection, not once per attempt.
    expect(errors.length).toBeLessThanOrEqual(4);
  });

  it('closes cleanly, even while Redis is down', async () => {
    const a = await bus();
    await a.subscribe('x', () => undefined);
    await a.close();
    await expect(a.publish('x', 1)).rejects.toBeInstanceOf(BusPublishError);
    await expect(a.subscribe('x', () => undefined)).rejects.toThrow(/closed/);
    const b = await bus();
    await b.subscribe('y', () => undefined);
    await redis.kill();
    const started = Date.now();
    await b.close();
    expect(Date.now() - started).toBeLessThan(1500);
    // Nothing left trying to reconnect: once Redis is back, nobody but the probe connects.
    await redis.start();
    const probe = await bus();
    await sleep(1500);
    const clients = String(await probe.redis.client('LIST'))
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(clients).toHaveLength(2); // the probe's own publisher and subscriber
  });

  it('refuses to start when Redis is unreachable, with a readable error', async () => {
    await expect(createRedisBus('redis://127.0.0.1:1')).rejects.toThrow(
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/,
    );
  });
});
