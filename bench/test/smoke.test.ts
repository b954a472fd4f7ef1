/**
 * A few seconds of every kind of load the benchmark makes, asserting correctness only (every
 * message delivered exactly once, every socket back after a drop, pages full, logins working),
 * so the benchmark code cannot rot. The real run is `pnpm bench`, not part of CI.
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
} from '../src/cluster.ts';
import type { HistoryResult, LoginResult } from '../src/protocol.ts';
import { BENCH_PASSWORD, seedMessages, seedUsers } from '../src/seed.ts';
import { REPO_ROOT, SERVER_ENTRY } from '../src/server-process.ts';

const opts: BenchOptions = { quick: true, workers: 2, log: () => undefined };

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
      async (store, secret) =>
        pairUp(
          await seedUsers(store, {
            databaseUrl: '',
            jwtSecret: secret,
            users: 40,
            prefix: 'smoke',
          }),
        ),
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
            {
              transport,
              acked: t.acked,
              delivered: t.delivered,
              duplicates: t.duplicates,
              gaps: t.eventIdGaps,
              repeats: t.eventIdRepeats,
            },
            `errors: ${JSON.stringify(t.errorSamples)}`,
          ).toEqual({
            transport,
            acked: 300,
            delivered: 300,
            duplicates: 0,
            gaps: 0,
            repeats: 0,
          });
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
        expect(
          {
            acked: storm.acked,
            delivered: storm.delivered,
            lost: storm.lost,
            duplicates: storm.duplicates,
            repeats: storm.eventIdRepeats,
            gaps: storm.eventIdGaps,
          },
          `errors: ${JSON.stringify(storm.errorSamples)}`,
        ).toEqual({
          acked: 400,
          delivered: 400,
          lost: 0,
          duplicates: 0,
          repeats: 0,
          gaps: 0,
        });
      },
    );
  });

  it('serves full history pages and real logins', async () => {
    await withCluster(
      opts,
      async (store, secret) => {
        const pairs = pairUp(
          await seedUsers(store, { databaseUrl: '', jwtSecret: secret, users: 8, prefix: 'hist' }),
        );
        const cursors = await seedMessages(store, pairs, 120, { cursorsPerPair: 4 });
        await seedUsers(store, {
          databaseUrl: '',
          jwtSecret: secret,
          users: 2,
          prefix: 'login',
          sessions: false,
        });
        return { pairs, cursors };
      },
      async (cluster, { pairs, cursors }) => {
        const parts = Array.from({ length: opts.workers }, () => ({
          users: [] as (typeof pairs)[0][0][],
          targets: [] as Array<{ client: number; withUserId: string; cursors: string[] }>,
        }));
        pairs.forEach(([a, b], k) => {
          const part = parts[k % opts.workers]!;
          part.targets.push({ client: part.users.length, withUserId: b.id, cursors: cursors[k]! });
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

        const logins = await cluster.pool.call<LoginResult>(0, {
          type: 'logins',
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
