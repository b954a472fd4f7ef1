/**
 * What durability costs: the SQLite store with `synchronous = FULL` (the WAL is synced on every
 * commit: an acknowledged message survives power loss) against `NORMAL` (synced at checkpoints
 * only: it survives a killed process, not an OS crash). The store group-commits the sends of one
 * event-loop turn, so the cost of a sync is shared by the sends in flight: measured with 1, 16
 * and 64 in flight, the two settings interleaved round by round (each first every other round,
 * after a warm-up round), encrypted as in production; each figure is the median of the rounds.
 *
 * `pnpm --filter @parley/bench durability-cost` (ROUNDS=3 by default).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type Synchronous } from '@parley/db';
import { median } from '../src/compare.ts';
import { pairOf, sendMessages } from './store-sends.ts';
import { timed, type Sample } from './timed.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const IN_FLIGHT = [1, 16, 64] as const;
const MESSAGES: Record<(typeof IN_FLIGHT)[number], number> = { 1: 2_000, 16: 8_000, 64: 16_000 };
const SETTINGS: Synchronous[] = ['normal', 'full'];

/** Sends `messages` from alice to bob, `inFlight` at a time, on a fresh encrypted store. */
async function sends(synchronous: Synchronous, inFlight: number, messages: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-durability-cost-'));
  try {
    const store = await openStore(`file:${path.join(dir, 'parley.db')}`, {
      encryptionKey: randomBytes(32),
      synchronous,
    });
    const { alice, bob } = await pairOf(store);
    const [sample] = await timed(() =>
      sendMessages(store, { from: alice, to: bob }, messages, inFlight),
    );
    await store.close();
    return sample;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples = new Map<string, Sample[]>();
const load = loadavg()[0]!;
for (const setting of SETTINGS) await sends(setting, 16, 2_000); // warm-up, not counted
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? SETTINGS : SETTINGS.toReversed();
  for (const inFlight of IN_FLIGHT) {
    for (const setting of order) {
      const key = `${setting}/${inFlight}`;
      samples.set(key, [
        ...(samples.get(key) ?? []),
        await sends(setting, inFlight, MESSAGES[inFlight]),
      ]);
    }
  }
}

const fmt = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1);
console.log(
  `durability, median of ${ROUNDS} interleaved rounds; load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
);
console.log('| in flight | figure | NORMAL | FULL | FULL / NORMAL |');
console.log('| ---: | --- | ---: | ---: | ---: |');
for (const inFlight of IN_FLIGHT) {
  const messages = MESSAGES[inFlight];
  const figures: Array<[string, (s: Sample) => number]> = [
    ['µs wall per send', (s) => (s.wallMs * 1000) / messages],
    ['µs CPU per send', (s) => (s.cpuMs * 1000) / messages],
  ];
  for (const [name, figure] of figures) {
    const [normal, full] = SETTINGS.map((setting) =>
      median(samples.get(`${setting}/${inFlight}`)!.map(figure)),
    );
    console.log(
      `| ${inFlight} | ${name} | ${fmt(normal!)} | ${fmt(full!)} | ${(full! / normal!).toFixed(2)}× |`,
    );
  }
}
