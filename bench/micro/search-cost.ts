/**
 * What one message search costs the store over #5's million cached messages (#10's data):
 * each query of #10, across all my conversations and within one, run one after another.
 * `pnpm --filter @parley/bench search-cost` (builds the cache on first use, about 4 minutes).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { cachedHistoryDatabase } from '../src/seed-cache.ts';
import { openBenchStore } from '../src/seed.ts';
import { SEARCH_QUERIES } from '../src/search-scenario.ts';
import { timed } from './timed.ts';

const ROUNDS = 200;

const cached = await cachedHistoryDatabase({ pairs: 1000, perPair: 1000, log: console.log });
const seeded = await cached.install('x'.repeat(32));
const store = await openBenchStore(
  `file:${path.join(cached.dataDir, 'parley.db')}`,
  cached.encryptionKey,
);
try {
  console.log(`${seeded.messages.toLocaleString('en')} stored messages, ${ROUNDS} searches each`);
  console.log('query                     | where | results | µs wall | µs CPU');
  for (const within of [false, true]) {
    for (const query of SEARCH_QUERIES) {
      let results = 0;
      const [sample] = await timed(async () => {
        for (let i = 0; i < ROUNDS; i++) {
          const k = (i * 37) % seeded.pairs.length;
          const page = await store.searchMessages({
            userId: seeded.pairs[k]![0].id,
            query,
            conversationId: within ? seeded.histories[k]!.conversationId : null,
            limit: 20,
            cursor: null,
          });
          results += page.items.length;
        }
      });
      console.log(
        [
          JSON.stringify(query).padEnd(25),
          (within ? 'one' : 'all').padEnd(5),
          String(Math.round(results / ROUNDS)).padStart(7),
          String(Math.round((sample.wallMs * 1000) / ROUNDS)).padStart(7),
          String(Math.round((sample.cpuMs * 1000) / ROUNDS)).padStart(6),
        ].join(' | '),
      );
    }
  }
} finally {
  await store.close();
  await rm(cached.dataDir, { recursive: true, force: true });
}
