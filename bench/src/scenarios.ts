import {
  connectAll,
  pairUp,
  runTraffic,
  splitPairs,
  sum,
  withCluster,
  type BenchOptions,
  type Cluster,
  type MergedTraffic,
} from './cluster.ts';
import type { BenchUser, DropResult, HistoryResult, LoginResult, TargetName } from './protocol.ts';
import { channel, groupTraffic } from './group-scenarios.ts';
import { search } from './search-scenario.ts';
import { atMost, finish, pct, settle, type Figure, type Scenario } from './report.ts';
import { cachedHistoryDatabase } from './seed-cache.ts';
import { BENCH_PASSWORD } from './seed.ts';
import { Histogram, round, type LatencySummary } from './stats.ts';
import type { SeedContext } from './targets.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every message delivered exactly once, in causal order, each retry answered with the original. */
function exactlyOnce(t: MergedTraffic): boolean {
  return (
    t.delivered === t.planned &&
    t.duplicates === 0 &&
    t.eventIdGaps === 0 &&
    t.eventIdRepeats === 0 &&
    t.outOfOrder === 0 &&
    t.ackMismatches === 0
  );
}

function trafficDetails(
  t: MergedTraffic & { serverCores: number; serverCpuMs: number; serverWrittenBytes: number },
) {
  return {
    planned: t.planned,
    acked: t.acked,
    delivered: t.delivered,
    lost: t.lost,
    duplicates: t.duplicates,
    eventIdGaps: t.eventIdGaps,
    eventIdRepeats: t.eventIdRepeats,
    outOfOrder: t.outOfOrder,
    ackMismatches: t.ackMismatches,
    failed: t.failed,
    retries: t.retries,
    errors: t.errorCounts,
    errorSamples: t.errorSamples,
    latencyMs: t.latency.summary(),
    ackLatencyMs: t.ackLatency.summary(),
    sendWindowMs: Math.round(t.sendWindowMs),
    deliveredPerSecond: Math.round(t.delivered / (t.deliveryWindowMs / 1000)),
    serverCores: round(t.serverCores),
    /** Server CPU time per delivered message, µs: the efficiency figure, least sensitive to other load. */
    serverCpuUsPerMessage: Math.round((t.serverCpuMs * 1000) / Math.max(1, t.delivered)),
    /** Bytes the server wrote to storage per message (/proc/pid/io write_bytes). */
    writtenKbPerMessage: round(t.serverWrittenBytes / 1024 / Math.max(1, t.planned), 1),
    loadGenCores: round(t.loadGenCores),
    loadGenLoopDelayP99Ms: round(t.loadGenLoopDelayP99Ms),
  };
}

/** 3 s of traffic before a measured phase (JIT, caches, the WAL), not measured or profiled. */
function warmUp(
  cluster: Cluster,
  parts: Array<{ pairs: Array<[number, number]> }>,
  ratePerSecond: number,
  transport: 'ws' | 'http',
) {
  return runTraffic(cluster, parts, {
    tag: transport === 'ws' ? 'warm' : 'warmh',
    ratePerSecond,
    durationMs: 3000,
    drainMs: 5000,
    transport,
  });
}

/** Users in pairs, each with a session: the population of scenarios 2, 3, 4 and 6. */
async function seedPairs(ctx: SeedContext, pairs: number) {
  return pairUp(await ctx.users(pairs * 2, 'u'));
}

async function connectPairs(
  cluster: Cluster,
  opts: BenchOptions,
  pairs: Array<[BenchUser, BenchUser]>,
  http = false,
) {
  const parts = splitPairs(pairs, opts.workers);
  const connected = await connectAll(cluster, parts, 1000, { http });
  if (connected.ready !== connected.opened) {
    throw new Error(
      `only ${connected.ready} of ${connected.opened} sockets became ready: ${connected.errorSamples.join('; ')}`,
    );
  }
  return parts;
}

// 1 ──────────────────────────────────────────────────────────────────────────────────────────────
export const idleCapacity: Scenario = async (opts) => {
  const count = opts.quick ? 2000 : 10_000;
  const rate = 500;
  return withCluster(
    opts,
    (ctx) => ctx.users(count, 'idle'),
    async (cluster, users) => {
      await sleep(2000);
      // RSS after a full collection: the footprint, not the garbage of the moment.
      await cluster.server.collectGarbage();
      const rssBefore = cluster.server.rss();
      const heapBefore = await cluster.server.memoryUsage();
      const parts = Array.from({ length: opts.workers }, (_, w) => ({
        users: users.filter((_, i) => i % opts.workers === w),
      }));
      opts.log(`  opening ${count} sockets at ${rate}/s`);
      const connected = await cluster.profiled('s1-connect', () =>
        connectAll(cluster, parts, rate, { timeoutMs: 60_000 }),
      );
      await sleep(5000);
      const rssNoGc = cluster.server.rss();
      await cluster.server.collectGarbage();
      const rssAfter = cluster.server.rss();
      const heapAfter = await cluster.server.memoryUsage();
      const perSocket = (key: keyof NodeJS.MemoryUsage) =>
        round((heapAfter[key] - heapBefore[key]) / 1024 / Math.max(1, connected.ready), 1);
      const perSocketKb = (rssAfter - rssBefore) / 1024 / Math.max(1, connected.ready);
      const errors = connected.errors + (connected.opened - connected.ready);
      return finish(
        opts,
        1,
        'idle capacity',
        [
          {
            name: 'subscribed sockets',
            value: connected.ready,
            target: `${count}`,
            pass: connected.ready === count,
          },
          atMost('RSS per socket', round(perSocketKb, 1), 20, 'KB'),
          { name: 'errors', value: errors, target: '0', pass: errors === 0 },
        ],
        {
          sockets: count,
          rampPerSecond: rate,
          rssBeforeMb: round(rssBefore / 2 ** 20, 1),
          rssAfterMb: round(rssAfter / 2 ** 20, 1),
          rssAfterBeforeGcMb: round(rssNoGc / 2 ** 20, 1),
          perSocketKb: {
            heapUsed: perSocket('heapUsed'),
            heapTotal: perSocket('heapTotal'),
            external: perSocket('external'),
          },
          rampMs: Math.round(connected.elapsedMs),
          connectToReadyMs: connected.readyLatency.summary(),
          errorSamples: connected.errorSamples,
        },
      );
    },
  );
};

// 2 ──────────────────────────────────────────────────────────────────────────────────────────────
export const oneToOne: Scenario = async (opts) => {
  const pairCount = 1000;
  const rates = opts.rate ? [opts.rate] : [2000, 4000];
  const durationMs = opts.durationSeconds
    ? opts.durationSeconds * 1000
    : opts.quick
      ? 5000
      : 30_000;
  // HTTP sends (what Parley's web app does today) have no counterpart in the baseline.
  const http = opts.target === 'parley';
  return withCluster(
    opts,
    (ctx) => seedPairs(ctx, pairCount),
    async (cluster, pairs) => {
      const parts = await connectPairs(cluster, opts, pairs, http);
      await warmUp(cluster, parts, rates[0]!, 'ws');
      const figures: Figure[] = [];
      const details: Record<string, unknown> = { pairs: pairCount, durationMs };
      for (const rate of rates) {
        opts.log(`  ${rate} msg/s over WebSocket for ${durationMs / 1000} s`);
        const t = await runTraffic(cluster, parts, {
          tag: `s2ws${rate}`,
          ratePerSecond: rate,
          durationMs,
          drainMs: 10_000,
          transport: 'ws',
        });
        const at = `at ${rate.toLocaleString('en')} msg/s`;
        const l = t.latency.summary();
        const d = trafficDetails(t);
        figures.push(
          rate === 2000
            ? atMost(`p50 ${at}`, l.p50, 5, 'ms')
            : { name: `p50 ${at}`, value: l.p50, unit: 'ms' },
          rate === 2000
            ? atMost(`p99 ${at}`, l.p99, 25, 'ms')
            : { name: `p99 ${at}`, value: l.p99, unit: 'ms' },
          { name: `server CPU per message ${at}`, value: d.serverCpuUsPerMessage, unit: 'µs' },
          {
            name: `delivered exactly once, in order, ${at}`,
            value: pct(t.delivered, t.planned),
            unit: '%',
            target: '100 %',
            pass: exactlyOnce(t),
          },
        );
        details[`ws${rate}`] = d;
        await settle(cluster);
      }
      if (http) {
        const rate = rates[0]!;
        opts.log(`  ${rate} msg/s over HTTP for ${durationMs / 1000} s`);
        await warmUp(cluster, parts, rate, 'http');
        const t = await runTraffic(cluster, parts, {
          tag: 's2http',
          ratePerSecond: rate,
          durationMs,
          drainMs: 10_000,
          transport: 'http',
        });
        const at = `at ${rate.toLocaleString('en')} msg/s, HTTP sends`;
        const l = t.latency.summary();
        figures.push(
          { name: `p50 ${at}`, value: l.p50, unit: 'ms' },
          { name: `p99 ${at}`, value: l.p99, unit: 'ms' },
          { name: `delivered ${at}`, value: pct(t.delivered, t.planned), unit: '%' },
        );
        details.http = trafficDetails(t);
      }
      return finish(
        opts,
        2,
        `1:1 traffic, ${pairCount.toLocaleString('en')} pairs`,
        figures,
        details,
      );
    },
  );
};

// 3 ──────────────────────────────────────────────────────────────────────────────────────────────
export const maxThroughput: Scenario = async (opts) => {
  const pairCount = 1000;
  const stepMs = opts.quick ? 3000 : 10_000;
  const p99Limit = 100;
  return withCluster(
    opts,
    (ctx) => seedPairs(ctx, pairCount),
    async (cluster, pairs) => {
      const parts = await connectPairs(cluster, opts, pairs);
      await warmUp(cluster, parts, 2000, 'ws');
      const steps: Array<
        { offered: number; achieved: number; latency: LatencySummary; ok: boolean } & Record<
          string,
          unknown
        >
      > = [];
      const step = async (offered: number) => {
        opts.log(`  offering ${offered} msg/s for ${stepMs / 1000} s`);
        const t = await runTraffic(cluster, parts, {
          tag: `s3r${offered}`,
          ratePerSecond: offered,
          durationMs: stepMs,
          drainMs: 10_000,
          transport: 'ws',
        });
        const latency = t.latency.summary();
        const achieved = Math.round(t.delivered / (t.deliveryWindowMs / 1000));
        const ok = latency.p99 <= p99Limit && exactlyOnce(t);
        steps.push({ offered, achieved, latency, ok, ...trafficDetails(t) });
        opts.log(
          `    delivered ${achieved}/s, p50 ${latency.p50} ms, p99 ${latency.p99} ms, server ${round(t.serverCores)} cores ` +
            `(${Math.round((t.serverCpuMs * 1000) / Math.max(1, t.delivered))} µs CPU/msg), load gen ${round(t.loadGenCores)} cores`,
        );
        // Let the server settle (WAL checkpoint, GC, a backlog) before the next step.
        await settle(cluster);
        return ok;
      };
      const ladder = [
        500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 20_000,
        24_000,
      ];
      let lastOk = 0;
      let firstBad = 0;
      for (const offered of ladder) {
        if (await step(offered)) lastOk = offered;
        else {
          firstBad = offered;
          break;
        }
      }
      if (firstBad && lastOk && firstBad - lastOk >= 1000) {
        const mid = Math.round((lastOk + firstBad) / 2 / 250) * 250;
        if (await step(mid)) lastOk = mid;
      }
      // The points of the comparison, even past the limit (then as what overload looks like).
      for (const rate of [4000, 8000]) if (!steps.some((s) => s.offered === rate)) await step(rate);
      const best = steps.filter((s) => s.ok).sort((a, b) => b.achieved - a.achieved)[0];
      const max = best?.achieved ?? 0;
      const p99At = (rate: number): Figure => ({
        name: `p99 at ${rate.toLocaleString('en')} msg/s offered`,
        value: steps.find((s) => s.offered === rate)?.latency.p99 ?? '–',
        unit: 'ms',
      });
      return finish(
        opts,
        3,
        'max throughput',
        [
          {
            name: `msg/s persisted + delivered, p99 ≤ ${p99Limit} ms`,
            value: max,
            unit: 'msg/s',
            target: '≥ 10,000/s',
            pass: max >= 10_000,
            speed: true,
          },
          p99At(4000),
          p99At(8000),
        ],
        { pairs: pairCount, stepMs, p99LimitMs: p99Limit, steps },
      );
    },
  );
};

// 4 ──────────────────────────────────────────────────────────────────────────────────────────────
export const reconnectStorm: Scenario = async (opts) => {
  const pairCount = 1000;
  const rate = 2000;
  const durationMs = opts.quick ? 8000 : 20_000;
  const stormAtMs = opts.quick ? 3000 : 5000;
  return withCluster(
    opts,
    (ctx) => seedPairs(ctx, pairCount),
    async (cluster, pairs) => {
      const parts = await connectPairs(cluster, opts, pairs);
      await warmUp(cluster, parts, rate, 'ws');
      opts.log(
        `  ${rate} msg/s for ${durationMs / 1000} s; every socket dropped at ${stormAtMs / 1000} s`,
      );
      const t = await runTraffic(cluster, parts, {
        tag: 's4',
        ratePerSecond: rate,
        durationMs,
        drainMs: 30_000,
        transport: 'ws',
        stormAtMs,
      });
      const r = t.resubscribe!.summary();
      const sockets = pairCount * 2;
      return finish(
        opts,
        4,
        'reconnect storm, 2,000 sockets',
        [
          {
            name: 'resubscribed',
            value: sockets - t.notResubscribed,
            target: `${sockets}`,
            pass: t.notResubscribed === 0,
          },
          {
            name: 'time to resubscribe p50 / p99',
            value: `${r.p50} / ${r.p99}`,
            unit: 'ms',
            target: 'p99 ≤ 3,000 ms',
            pass: r.p99 <= 3000 && t.notResubscribed === 0,
          },
          {
            name: 'messages lost',
            value: t.lost + t.failed,
            target: '0',
            pass: t.lost + t.failed === 0 && t.acked === t.planned,
          },
          {
            name: 'messages duplicated',
            value: t.duplicates + t.eventIdRepeats,
            target: '0',
            pass: t.duplicates + t.eventIdRepeats === 0,
          },
          {
            name: 'out of order, or a retry answered with another message',
            value: t.outOfOrder + t.ackMismatches,
            target: '0',
            pass: t.outOfOrder + t.ackMismatches === 0,
          },
        ],
        {
          pairs: pairCount,
          ratePerSecond: rate,
          durationMs,
          stormAtMs,
          resubscribeMs: r,
          ...trafficDetails(t),
        },
      );
    },
  );
};

// 5 ──────────────────────────────────────────────────────────────────────────────────────────────
export const history: Scenario = async (opts) => {
  const pairCount = opts.quick ? 100 : 1000;
  const perPair = 1000;
  const rate = 500;
  const durationMs = opts.quick ? 5000 : 20_000;
  const cached = await cachedHistoryDatabase({ pairs: pairCount, perPair, log: opts.log });
  return withCluster(
    opts,
    (ctx) => cached.install(ctx.jwtSecret),
    async (cluster, seeded) => {
      const readers = seeded.pairs.map(([a]) => a);
      const parts = Array.from({ length: opts.workers }, () => ({
        users: [] as BenchUser[],
        targets: [] as Array<{ client: number; conversationId: string; cursors: string[] }>,
      }));
      seeded.pairs.forEach(([a], k) => {
        const part = parts[k % opts.workers]!;
        part.targets.push({
          client: part.users.length,
          ...seeded.histories[k]!,
        });
        part.users.push(a);
      });
      const connected = await connectAll(cluster, parts, 1000);
      if (connected.ready !== readers.length)
        throw new Error(`only ${connected.ready} of ${readers.length} readers connected`);
      const run = async (ms: number) =>
        cluster.pool.each<HistoryResult>(
          parts.map((part) => ({
            type: 'history',
            targets: part.targets,
            ratePerSecond: rate / opts.workers,
            durationMs: ms,
            pageSize: 50,
          })),
        );
      await run(2000);
      opts.log(
        `  ${rate} history pages/s for ${durationMs / 1000} s over ${seeded.messages.toLocaleString('en')} stored messages`,
      );
      const cpu0 = cluster.server.cpuMs();
      const t0 = performance.now();
      const replies = await cluster.profiled('s5-history', () => run(durationMs));
      const serverCpuMs = cluster.server.cpuMs() - cpu0;
      const serverCores = serverCpuMs / (performance.now() - t0);
      const latency = replies
        .reduce((h, r) => h.merge(r.result.latency), new Histogram())
        .summary();
      const errors = sum(replies.map((r) => r.result.errors));
      const wrong = sum(replies.map((r) => r.result.wrongPages));
      return finish(
        opts,
        5,
        `history, ${seeded.messages.toLocaleString('en')} stored messages`,
        [
          atMost('page of 50, p50', latency.p50, 2, 'ms'),
          atMost('page of 50, p99', latency.p99, 10, 'ms'),
          {
            name: 'errors / short pages',
            value: `${errors} / ${wrong}`,
            target: '0 / 0',
            pass: errors === 0 && wrong === 0,
          },
        ],
        {
          storedMessages: seeded.messages,
          conversations: pairCount,
          ratePerSecond: rate,
          durationMs,
          requests: sum(replies.map((r) => r.result.requests)),
          latencyMs: latency,
          serverCores: round(serverCores),
          serverCpuUsPerRequest: Math.round(
            (serverCpuMs * 1000) / Math.max(1, sum(replies.map((r) => r.result.ok))),
          ),
          loadGenLoopDelayP99Ms: round(Math.max(...replies.map((r) => r.stats.loopDelayP99Ms))),
        },
      );
    },
    { dataDir: cached.dataDir, encryptionKey: cached.encryptionKey },
  );
};

// 6 ──────────────────────────────────────────────────────────────────────────────────────────────
export const loginsUnderLoad: Scenario = async (opts) => {
  const pairCount = 1000;
  const rate = 2000;
  const loginRate = 40;
  const durationMs = opts.quick ? 5000 : 30_000;
  return withCluster(
    opts,
    async (ctx) => ({
      pairs: await seedPairs(ctx, pairCount),
      logins: (await ctx.users(200, 'login', { sessions: false })).map((u) => u.username),
    }),
    async (cluster, seeded) => {
      const parts = await connectPairs(cluster, opts, seeded.pairs);
      await warmUp(cluster, parts, rate, 'ws');
      opts.log(`  ${rate} msg/s alone for ${durationMs / 1000} s`);
      const alone = await runTraffic(cluster, parts, {
        tag: 's6a',
        ratePerSecond: rate,
        durationMs,
        drainMs: 10_000,
        transport: 'ws',
      });
      opts.log(`  ${rate} msg/s with ${loginRate} logins/s for ${durationMs / 1000} s`);
      const [loaded, logins] = await Promise.all([
        runTraffic(cluster, parts, {
          tag: 's6b',
          ratePerSecond: rate,
          durationMs,
          drainMs: 10_000,
          transport: 'ws',
        }),
        cluster.pool.call<LoginResult>(0, {
          type: 'logins',
          target: cluster.target,
          url: cluster.server.url,
          logins: seeded.logins,
          password: BENCH_PASSWORD,
          ratePerSecond: loginRate,
          durationMs,
        }),
      ]);
      const a = alone.latency.summary();
      const b = loaded.latency.summary();
      const l = logins.result;
      const ratio = b.p99 / a.p99;
      return finish(
        opts,
        6,
        `logins under load, ${loginRate}/s during #2`,
        [
          {
            name: '#2 p99 alone → with logins',
            value: `${a.p99} → ${b.p99}`,
            unit: 'ms',
            target: '≤ 2×',
            pass: ratio <= 2,
          },
          {
            name: 'logins succeeded',
            value: `${l.ok}/${l.attempted}`,
            target: `${l.attempted}`,
            pass: l.ok === l.attempted,
          },
          {
            name: 'login p50 / p99',
            value: `${l.latency ? Histogram.from(l.latency).summary().p50 : '–'} / ${Histogram.from(l.latency).summary().p99}`,
            unit: 'ms',
          },
          {
            name: 'delivered with logins',
            value: pct(loaded.delivered, loaded.planned),
            unit: '%',
            pass: loaded.delivered === loaded.planned,
          },
        ],
        {
          ratio: round(ratio),
          alone: trafficDetails(alone),
          withLogins: trafficDetails(loaded),
          logins: { ...l, latency: Histogram.from(l.latency).summary() },
        },
      );
    },
  );
};

// 7 ──────────────────────────────────────────────────────────────────────────────────────────────
export const reconnectAndStop: Scenario = async (opts) => {
  const count = 1000;
  return withCluster(
    opts,
    (ctx) => ctx.users(count, 'rc'),
    async (cluster, users) => {
      const parts = Array.from({ length: opts.workers }, (_, w) => ({
        users: users.filter((_, i) => i % opts.workers === w),
      }));
      const connected = await connectAll(cluster, parts, 500);
      if (connected.ready !== count)
        throw new Error(`only ${connected.ready} of ${count} sockets became ready`);
      await settle(cluster);
      opts.log(`  dropping ${count} idle subscribed sockets`);
      const cpu0 = cluster.server.cpuMs();
      const drops = await cluster.profiled('s7-resubscribe', () =>
        cluster.pool.each<DropResult>(parts.map(() => ({ type: 'drop', timeoutMs: 60_000 }))),
      );
      const resubscribeCpuMs = cluster.server.cpuMs() - cpu0;
      const resubscribed = sum(drops.map((d) => d.result.resubscribed));
      const wallMs = Math.round(Math.max(...drops.map((d) => d.result.elapsedMs)));
      const each = drops.reduce((h, d) => h.merge(d.result.resubscribe), new Histogram()).summary();
      await settle(cluster);
      opts.log(`  stopping the server (SIGTERM) with ${count} sockets`);
      const t0 = performance.now();
      const ended = await cluster.server.stop();
      const stopMs = Math.round(performance.now() - t0);
      return finish(
        opts,
        7,
        `reconnect and stop, ${count.toLocaleString('en')} sockets`,
        [
          {
            name: 'resubscribed',
            value: resubscribed,
            target: `${count}`,
            pass: resubscribed === count,
          },
          {
            name: 'server CPU to resubscribe all',
            value: Math.round(resubscribeCpuMs),
            unit: 'ms',
          },
          { name: 'drop → all resubscribed', value: wallMs, unit: 'ms' },
          { name: 'time to resubscribe p99', value: each.p99, unit: 'ms' },
          {
            name: 'graceful stop (SIGTERM → exit)',
            value: stopMs,
            unit: 'ms',
            target: 'exit code 0',
            pass: ended.code === 0,
          },
        ],
        {
          sockets: count,
          resubscribeMs: each,
          resubscribeCpuMs,
          exit: ended,
          connectToReadyMs: connected.readyLatency.summary(),
        },
      );
    },
  );
};

/** The server each scenario runs on: both where the baseline can do the same, else Parley alone. */
export const SCENARIOS: Record<number, { name: string; run: Scenario; targets: TargetName[] }> = {
  1: { name: 'idle capacity', run: idleCapacity, targets: ['parley', 'baseline'] },
  2: { name: '1:1 traffic', run: oneToOne, targets: ['parley', 'baseline'] },
  3: { name: 'max throughput', run: maxThroughput, targets: ['parley', 'baseline'] },
  4: { name: 'reconnect storm under traffic', run: reconnectStorm, targets: ['parley'] },
  5: { name: 'history', run: history, targets: ['parley'] },
  6: { name: 'logins under load', run: loginsUnderLoad, targets: ['parley'] },
  7: { name: 'reconnect and stop', run: reconnectAndStop, targets: ['parley', 'baseline'] },
  8: { name: 'group traffic', run: groupTraffic, targets: ['parley'] },
  9: { name: 'a 1,000-member channel', run: channel, targets: ['parley'] },
  10: { name: 'message search', run: search, targets: ['parley'] },
};
