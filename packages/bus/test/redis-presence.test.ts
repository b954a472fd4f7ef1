import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRedisPresenceRegistry,
  type PresenceChange,
  type RedisPresenceRegistry,
} from '../src/index.ts';
import { waitFor } from '@parley/testing';
import { startTestRedis, type TestRedis } from '../src/testing.ts';

const TIMING = { heartbeatMs: 100, ttlMs: 400, sweepMs: 100 };

describe('Redis presence registry (real redis-server)', () => {
  let redis: TestRedis;
  let connections: Redis[] = [];
  let registries: RedisPresenceRegistry[] = [];
  const errors: unknown[] = [];

  /** A "process": its own connection and registry, recording the changes it reports. */
  async function processNode(name: string, timing: Partial<typeof TIMING> = {}) {
    const connection = new Redis(redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: () => 100,
    });
    connection.on('error', () => undefined);
    await connection.connect();
    connections.push(connection);
    const registry = createRedisPresenceRegistry({
      redis: connection,
      ...TIMING,
      ...timing,
      processId: name,
      onError: (e) => errors.push(e),
    });
    const changes: PresenceChange[] = [];
    registry.onChange((change) => void changes.push(change));
    await registry.start();
    registries.push(registry);
    return { registry, changes, connection };
  }

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  beforeEach(async () => {
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
  });
  afterEach(async () => {
    await Promise.all(registries.map((r) => r.close({ retire: false })));
    for (const c of connections) c.disconnect();
    registries = [];
    connections = [];
    errors.length = 0;
  });
  afterAll(() => redis.stop());

  it('a user is online while any process holds a socket; transitions are reported once across processes', async () => {
    const a = await processNode('a');
    const b = await processNode('b');
    expect(await a.registry.connect('u1')).toBe(true);
    expect(await b.registry.onlineAmong(['u1', 'u2'])).toEqual(new Set(['u1']));
    expect(await a.registry.connect('u1')).toBe(false); // a second tab on the same process
    expect(await b.registry.connect('u1')).toBe(false); // and one on another process
    expect(await a.registry.disconnect('u1')).toBe(false);
    expect(await a.registry.disconnect('u1')).toBe(false); // b still has one
    expect(await a.registry.onlineAmong(['u1'])).toEqual(new Set(['u1']));
    expect(await b.registry.disconnect('u1')).toBe(true);
    expect(await a.registry.onlineAmong(['u1'])).toEqual(new Set());
    expect(await b.registry.disconnect('u1')).toBe(false); // more releases than sockets change nothing
  });

  it("a crashed process's users go offline within ttl + sweep, reported exactly once, with the last heartbeat as last seen", async () => {
    const a = await processNode('a');
    const b = await processNode('b');
    const c = await processNode('c');
    await a.registry.connect('alone');
    await a.registry.connect('both');
    await c.registry.connect('both');
    await sleep(250);
    const crashedAt = Date.now();
    await a.registry.close({ retire: false }); // stops beating, like a SIGKILL
    const seen = await waitFor(
      () => [...b.changes, ...c.changes].find((x) => x.userId === 'alone'),
      3000,
      'the crashed process to be swept',
    );
    const took = Date.now() - crashedAt;
    expect(took).toBeLessThanOrEqual(TIMING.ttlMs + TIMING.sweepMs + 300);
    expect(seen.online).toBe(false);
    expect(seen.at.getTime()).toBeLessThanOrEqual(crashedAt + 50);
    expect(seen.at.getTime()).toBeGreaterThan(crashedAt - TIMING.heartbeatMs - 200);
    await sleep(400);
    const reports = [...b.changes, ...c.changes].filter((x) => x.userId === 'alone');
    expect(reports).toHaveLength(1);
    // 'both' is still on c: no offline for them, and they stay online.
    expect([...b.changes, ...c.changes].filter((x) => x.userId === 'both')).toHaveLength(0);
    expect(await b.registry.onlineAmong(['alone', 'both'])).toEqual(new Set(['both']));
  });

  it('a graceful close takes its users offline at once and reports them', async () => {
    const a = await processNode('a');
    const b = await processNode('b');
    await a.registry.connect('u');
    await a.registry.connect('shared');
    await b.registry.connect('shared');
    await a.registry.close();
    expect(a.changes.map((x) => [x.userId, x.online])).toEqual([['u', false]]);
    expect(await b.registry.onlineAmong(['u', 'shared'])).toEqual(new Set(['shared']));
  });

  it('comes back after Redis restarts empty: each process writes its sockets again on its next heartbeat', async () => {
    const a = await processNode('a');
    const b = await processNode('b');
    await a.registry.connect('u');
    await redis.kill();
    await redis.start();
    await waitFor(
      () => a.connection.status === 'ready' && b.connection.status === 'ready',
      5000,
      'reconnection',
    );
    let online = new Set<string>();
    const deadline = Date.now() + 3000;
    while (!online.has('u') && Date.now() < deadline) {
      online = await b.registry.onlineAmong(['u']);
      await sleep(50);
    }
    expect(online).toEqual(new Set(['u']));
    expect(a.changes).toContainEqual(expect.objectContaining({ userId: 'u', online: true }));
  });

  it('after Redis restarts empty, the first write of a process (before any heartbeat) brings all its users back', async () => {
    const a = await processNode('a', { heartbeatMs: 60_000 }); // no heartbeat during the test
    const b = await processNode('b');
    await a.registry.connect('earlier');
    await redis.kill();
    await redis.start();
    await waitFor(() => a.connection.status === 'ready', 5000, 'reconnection');
    expect(await a.registry.connect('later')).toBe(true);
    await waitFor(
      () => a.changes.find((x) => x.userId === 'earlier' && x.online),
      3000,
      'the resync',
    );
    expect(await b.registry.onlineAmong(['earlier', 'later'])).toEqual(
      new Set(['earlier', 'later']),
    );
  });

  it('a process that stalled past the ttl is swept, then puts its users back online when it beats again', async () => {
    const a = await processNode('a');
    const b = await processNode('b');
    await a.registry.connect('u');
    // Make a look dead, as if it had stalled: its heartbeat is backdated and b sweeps in the
    // same write, before a beats again.
    await Promise.all([b.connection.zadd('parley:presence:beats', 0, 'a'), b.registry.sweep()]);
    expect(b.changes).toContainEqual(expect.objectContaining({ userId: 'u', online: false }));
    await waitFor(() => a.changes.find((x) => x.userId === 'u' && x.online), 3000, 'a to resync');
    expect(await b.registry.onlineAmong(['u'])).toEqual(new Set(['u']));
  });

  it('falls back to what the process knows while Redis is unreachable, and resyncs failed writes afterwards', async () => {
    const a = await processNode('a');
    const b = await processNode('b');
    await a.registry.connect('kept');
    await redis.kill();
    try {
      expect(await a.registry.connect('new')).toBe(false); // not written: Redis is down
      expect(await a.registry.onlineAmong(['kept', 'new', 'other'])).toEqual(
        new Set(['kept', 'new']),
      );
    } finally {
      await redis.start();
    }
    await waitFor(
      () => a.changes.find((x) => x.userId === 'new' && x.online),
      5000,
      'the resync to announce "new"',
    );
    // The restarted Redis lost everything (no persistence): the resync writes both back, and
    // b reads them once its own connection is back.
    await waitFor(
      async () => (await b.registry.onlineAmong(['kept', 'new'])).size === 2,
      5000,
      'b to see "kept" and "new" again',
    );
    expect(await b.registry.onlineAmong(['kept', 'new'])).toEqual(new Set(['kept', 'new']));
    expect(errors.length).toBeGreaterThan(0);
  });
});
