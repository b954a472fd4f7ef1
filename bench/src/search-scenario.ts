/**
 * #10, message search over the million stored messages of #5 (Parley only): every seeded message
 * has the same words, so each search matches 1,000 messages of the user's own conversation and
 * 999,000 of everybody else's — the case where a search must not walk other people's matches.
 */
import { connectAll, sum, withCluster } from './cluster.ts';
import type { BenchUser, SearchResult } from './protocol.ts';
import { atMost, finish, type Scenario } from './report.ts';
import { cachedHistoryDatabase } from './seed-cache.ts';
import { Histogram, round } from './stats.ts';

/** As people type them: the last word is a prefix unless a space follows it. */
export const SEARCH_QUERIES = [
  'fox',
  'quick brown fox ',
  'seeded message 5',
  'lazy do',
  'jumps over ',
  'pair',
];

export const search: Scenario = async (opts) => {
  const pairCount = opts.quick ? 100 : 1000;
  const rate = 100;
  const durationMs = opts.quick ? 5000 : 20_000;
  const cached = await cachedHistoryDatabase({ pairs: pairCount, perPair: 1000, log: opts.log });
  return withCluster(
    opts,
    (ctx) => cached.install(ctx.jwtSecret),
    async (cluster, seeded) => {
      const parts = Array.from({ length: opts.workers }, () => ({
        users: [] as BenchUser[],
        targets: [] as Array<{ client: number; conversationId: string }>,
      }));
      seeded.pairs.forEach(([reader], k) => {
        const part = parts[k % opts.workers]!;
        part.targets.push({
          client: part.users.length,
          conversationId: seeded.histories[k]!.conversationId,
        });
        part.users.push(reader);
      });
      const connected = await connectAll(cluster, parts, 1000);
      if (connected.ready !== seeded.pairs.length)
        throw new Error(`only ${connected.ready} of ${seeded.pairs.length} readers connected`);
      const run = (ms: number) =>
        cluster.pool.each<SearchResult>(
          parts.map((part) => ({
            type: 'search',
            targets: part.targets,
            queries: SEARCH_QUERIES,
            ratePerSecond: rate / opts.workers,
            durationMs: ms,
            limit: 20,
          })),
        );
      await run(2000);
      opts.log(
        `  ${rate} searches/s for ${durationMs / 1000} s over ${seeded.messages.toLocaleString('en')} stored messages`,
      );
      const cpu0 = cluster.server.cpuMs();
      const replies = await cluster.profiled('s10-search', () => run(durationMs));
      const serverCpuMs = cluster.server.cpuMs() - cpu0;
      const latency = replies
        .reduce((h, r) => h.merge(r.result.latency), new Histogram())
        .summary();
      const requests = sum(replies.map((r) => r.result.requests));
      const errors = sum(replies.map((r) => r.result.errors));
      const empty = sum(replies.map((r) => r.result.empty));
      return finish(
        opts,
        10,
        `message search, ${seeded.messages.toLocaleString('en')} stored messages`,
        [
          { name: 'search (page of 20), p50', value: round(latency.p50), unit: 'ms' },
          atMost('search (page of 20), p99', round(latency.p99), 50, 'ms'),
          {
            name: 'errors / empty results',
            value: `${errors} / ${empty}`,
            target: '0 / 0',
            pass: errors === 0 && empty === 0,
          },
        ],
        {
          storedMessages: seeded.messages,
          conversations: pairCount,
          queries: SEARCH_QUERIES,
          ratePerSecond: rate,
          durationMs,
          requests,
          latencyMs: latency,
          serverCpuUsPerSearch: Math.round((serverCpuMs * 1000) / Math.max(1, requests)),
        },
      );
    },
    { dataDir: cached.dataDir, encryptionKey: cached.encryptionKey },
  );
};
