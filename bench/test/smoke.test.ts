/**
 * A few seconds of every kind of load the benchmark makes, on Parley and on the Socket.IO
 * baseline, asserting correctness only (every message delivered exactly once and in order,
 * every socket back after a drop, a graceful stop, pages full, logins working), so the benchmark
 * code cannot rot. The real run is `pnpm bench`, not part of CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  connectAll,
  pairUp,
  runTraffic,
  splitPairs,
  sum,
  withCluster,
  type BenchOptions,
  type Cluster,
} from '../src/cluster.ts';
import type { DropResult, HistoryResult, LoginResult, SearchResult } from '../src/protocol.ts';
import { BENCH_PASSWORD, seedMessages } from '../src/seed.ts';
import { REPO_ROOT } from '../src/server-process.ts';
import { SERVER_ENTRY } from '../src/targets.ts';

const opts: BenchOptions = { target: 'parley', quick: true, workers: 2, log: () => undefined };
const baseline: BenchOptions = { ...opts, target: 'baseline' };

/** What every traffic run must show: all sent, all delivered once, in order, retries idempotent. */
function correctness(t: Awaited<ReturnType<typeof runTraffic>>) {
  return {
    acked: t.acked,
    delivered: t.delivered,
    lost: t.lost,
    duplicates: t.duplicates,
    gaps: t.eventIdGaps,
    repeats: t.eventIdRepeats,
    outOfOrder: t.outOfOrder,
    ackMismatches: t.ackMismatches,
  };
}
const allOf = (n: number) => ({
  acked: n,
  delivered: n,
  lost: 0,
  duplicates: 0,
  gaps: 0,
  repeats: 0,
  outOfOrder: 0,
  ackMismatches: 0,
});

/** Every socket cut at once: all must be back. */
async function dropAll(cluster: Cluster, sockets: number) {
  const drops = await cluster.pool.each<DropResult>(
    Array.from({ length: opts.workers }, () => ({ type: 'drop', timeoutMs: 20_000 })),
  );
  expect(sum(drops.map((d) => d.result.resubscribed))).toBe(sockets);
}

beforeAll(() => {
  if (!existsSync(SERVER_ENTRY)) {
    execFileSync('pnpm', ['--filter', '@parley/server', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
  }
});

describe('benchmark smoke run', () => {
  it('delivers every message exactly once over WebSocket and HTTP sends, through a reconnect storm', async () => {
    await withCluster(
      opts,
      async (ctx) => pairUp(await ctx.users(40, 'smoke')),
      async (cluster, pairs) => {
        const parts = splitPairs(pairs, opts.workers);
        const connected = await connectAll(cluster, parts, 200, { http: true, timeoutMs: 20_000 });
        expect(connected.ready).toBe(40);
        expect(connected.errors).toBe(0);

        for (const transport of ['ws', 'http'] as const) {
          const t = await runTraffic(cluster, parts, {
            tag: `smoke${transport}`,
            ratePerSecond: 200,
            durationMs: 1500,
            drainMs: 10_000,
            transport,
          });
          expect(t.planned).toBe(300);
          expect(
            { transport, ...correctness(t) },
            `errors: ${JSON.stringify(t.errorSamples)}`,
          ).toEqual({ transport, ...allOf(300) });
          expect(t.latency.count).toBe(300);
        }

        const storm = await runTraffic(cluster, parts, {
          tag: 'smokestorm',
          ratePerSecond: 200,
          durationMs: 2000,
          drainMs: 15_000,
          transport: 'ws',
          stormAtMs: 700,
        });
        expect(storm.notResubscribed).toBe(0);
        expect(storm.resubscribe?.count).toBe(40);
        expect(correctness(storm), `errors: ${JSON.stringify(storm.errorSamples)}`).toEqual(
          allOf(400),
        );

        await dropAll(cluster, 40);
        expect(await cluster.server.stop()).toEqual({ code: 0, signal: null });
      },
    );
  });

  it('drives the Socket.IO baseline through the same checks, a drop and a graceful stop', async () => {
    await withCluster(
      baseline,
      async (ctx) => ({
        pairs: pairUp(await ctx.users(40, 'smoke')),
        logins: await ctx.users(2, 'login', { sessions: false }),
      }),
      async (cluster, { pairs, logins }) => {
        const parts = splitPairs(pairs, opts.workers);
        const connected = await connectAll(cluster, parts, 200, { timeoutMs: 20_000 });
        expect(connected.ready).toBe(40);
        expect(connected.errors).toBe(0);

        const t = await runTraffic(cluster, parts, {
          tag: 'smokebase',
          ratePerSecond: 200,
          durationMs: 1500,
          drainMs: 10_000,
          transport: 'ws',
        });
        expect(t.planned).toBe(300);
        expect(correctness(t), `errors: ${JSON.stringify(t.errorSamples)}`).toEqual(allOf(300));
        expect(t.latency.count).toBe(300);

        await dropAll(cluster, 40);
        const again = await runTraffic(cluster, parts, {
          tag: 'smokebase2',
          ratePerSecond: 200,
          durationMs: 500,
          drainMs: 10_000,
          transport: 'ws',
        });
        expect(correctness(again)).toEqual(allOf(100));

        const signIns = await cluster.pool.call<LoginResult>(0, {
          type: 'logins',
          target: 'baseline',
          url: cluster.server.url,
          logins: logins.map((u) => u.username),
          password: BENCH_PASSWORD,
          ratePerSecond: 10,
          durationMs: 500,
        });
        expect(signIns.result).toMatchObject({ attempted: 5, ok: 5, errors: 0 });

        expect(await cluster.server.stop()).toEqual({ code: 0, signal: null });
      },
    );
  });

  it('serves full history pages, searches and real logins', async () => {
    await withCluster(
      opts,
      async (ctx) => {
        const pairs = pairUp(await ctx.users(8, 'hist'));
        const histories = await seedMessages(ctx.store(), pairs, 120, { cursorsPerPair: 4 });
        await ctx.users(2, 'login', { sessions: false });
        return { pairs, histories };
      },
      async (cluster, { pairs, histories }) => {
        const parts = Array.from({ length: opts.workers }, () => ({
          users: [] as (typeof pairs)[0][0][],
          targets: [] as Array<{ client: number; conversationId: string; cursors: string[] }>,
        }));
        pairs.forEach(([a], k) => {
          const part = parts[k % opts.workers]!;
          part.targets.push({ client: part.users.length, ...histories[k]! });
          part.users.push(a);
        });
        const connected = await connectAll(cluster, parts, 100);
        expect(connected.ready).toBe(4);
        const replies = await cluster.pool.each<HistoryResult>(
          parts.map((part) => ({
            type: 'history',
            targets: part.targets,
            ratePerSecond: 25,
            durationMs: 1000,
            pageSize: 50,
          })),
        );
        expect(sum(replies.map((r) => r.result.ok))).toBe(50);
        expect(sum(replies.map((r) => r.result.errors + r.result.wrongPages))).toBe(0);

        const searches = await cluster.pool.each<SearchResult>(
          parts.map((part) => ({
            type: 'search',
            targets: part.targets,
            queries: ['quick brown fox ', 'lazy do'],
            ratePerSecond: 10,
            durationMs: 1000,
            limit: 20,
          })),
        );
        expect(sum(searches.map((r) => r.result.ok))).toBe(20);
        expect(sum(searches.map((r) => r.result.errors + r.result.empty))).toBe(0);

        const logins = await cluster.pool.call<LoginResult>(0, {
          type: 'logins',
          target: 'parley',
          url: cluster.server.url,
          logins: ['login0', 'login1'],
          password: BENCH_PASSWORD,
          ratePerSecond: 10,
          durationMs: 500,
        });
        expect(logins.result).toMatchObject({ attempted: 5, ok: 5, errors: 0 });
      },
    );
  });
});
