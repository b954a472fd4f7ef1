/**
 * What encryption at rest costs. In one process, the same work on the plain and the encrypted
 * side, interleaved round by round (each side first every other round, after a warm-up round)
 * so that a change in the machine's load hits both alike; each figure is the median of the
 * rounds, as wall time and as CPU time of the whole process (every thread, the checkpointer's
 * included):
 *
 * - the SQLite store: sends (64 at a time: the store group-commits them, as under the server),
 *   history pages of 50 read once each on a freshly opened store (every page comes from disk and
 *   is decrypted: the worst case), and opening the store;
 * - blobs on disk: put and get of 1 MiB images (the adapter alone, then behind the encryption);
 * - rotation: the database re-encrypted, the blobs' data keys re-wrapped.
 *
 * `pnpm --filter @parley/bench encryption-cost` (ROUNDS=5 by default).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openBlobStore, openStore, rotateEncryptionKey, type BlobStore } from '@parley/db';
// The adapter without the encryption layer, for the comparison only.
import { openDiskBlobStore } from '../../packages/db/src/blobs/disk.ts';
import { median } from '../src/compare.ts';
import { pairOf, sendMessages } from './store-sends.ts';
import { timed, type Sample } from './timed.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MESSAGES = 20_000;
const IN_FLIGHT = 64;
const PAGE = 50;
const BLOBS = 100;
const BLOB_BYTES = 1024 * 1024;

type Side = 'plain' | 'encrypted';
interface Round {
  samples: Record<string, Sample>;
  fileMiB: number;
}

/** One round of every measurement on one side, in a fresh directory. */
async function round(side: Side): Promise<Round> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-encryption-cost-'));
  const file = path.join(dir, 'parley.db');
  const key = side === 'encrypted' ? randomBytes(32) : null;
  try {
    const samples: Record<string, Sample> = {};
    const store = await openStore(`file:${file}`, { encryptionKey: key });
    const { alice, bob } = await pairOf(store);
    let conversationId = '';
    [samples.sends, conversationId] = await timed(() =>
      sendMessages(store, { from: alice, to: bob }, MESSAGES, IN_FLIGHT),
    );
    await store.close();
    const fileMiB = statSync(file).size / 2 ** 20;

    const [opening, reader] = await timed(() => openStore(`file:${file}`, { encryptionKey: key }));
    samples.open = opening;
    [samples.coldPages] = await timed(async () => {
      let beforeSeq: number | null = null;
      for (;;) {
        const page = await reader.listMessages({
          conversationId,
          userId: bob.id,
          beforeSeq,
          limit: PAGE,
        });
        if (page.length < PAGE) break;
        beforeSeq = page[0]!.seq;
      }
    });
    await reader.close();

    const blobs: BlobStore = key
      ? await openBlobStore(`file:${file}`, dir, key)
      : await openDiskBlobStore(path.join(dir, 'blobs'));
    const image = randomBytes(BLOB_BYTES);
    [samples.blobPuts] = await timed(async () => {
      for (let n = 0; n < BLOBS; n++) await blobs.put(`image-${n}.display`, Readable.from([image]));
    });
    [samples.blobGets] = await timed(async () => {
      for (let n = 0; n < BLOBS; n++) {
        const blob = await blobs.get(`image-${n}.display`);
        for await (const chunk of blob!.stream) void chunk;
      }
    });
    await blobs.close();

    if (key) {
      const to = randomBytes(32);
      // The database alone (no blobs yet under this name), then the blobs alone (no such file).
      [samples.rekeyDatabase] = await timed(() =>
        rotateEncryptionKey({
          databaseUrl: `file:${file}`,
          dataDir: path.join(dir, 'none'),
          from: key,
          to,
        }),
      );
      [samples.rewrapBlobs] = await timed(() =>
        rotateEncryptionKey({
          databaseUrl: `file:${path.join(dir, 'none.db')}`,
          dataDir: dir,
          from: key,
          to,
        }),
      );
    }
    return { samples, fileMiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rounds: Record<Side, Round[]> = { plain: [], encrypted: [] };
const load = loadavg()[0]!;
// A round of each first, not counted: the JIT and the file cache warm up on it.
for (const side of ['plain', 'encrypted'] as const) await round(side);
for (let r = 0; r < ROUNDS; r++) {
  // Each side goes first every other round.
  const order = r % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
  for (const side of order) rounds[side].push(await round(side));
}

/** A figure of one round. */
type Figure = (round: Round) => number;
const cpu = (name: string) => (r: Round) => r.samples[name]!.cpuMs;
const wall = (name: string) => (r: Round) => r.samples[name]!.wallMs;

const rows: Array<[string, string, Figure, string]> = [
  ['sends', 'µs CPU per send', (r) => (cpu('sends')(r) * 1000) / MESSAGES, 'µs'],
  ['sends', 'sends per second (wall)', (r) => MESSAGES / (wall('sends')(r) / 1000), '/s'],
  [
    'history, cold',
    'µs CPU per page of 50',
    (r) => (cpu('coldPages')(r) * 1000) / (MESSAGES / PAGE),
    'µs',
  ],
  [
    'history, cold',
    'pages per second (wall)',
    (r) => MESSAGES / PAGE / (wall('coldPages')(r) / 1000),
    '/s',
  ],
  ['open', 'ms to open the store', wall('open'), 'ms'],
  ['blob put, 1 MiB', 'ms CPU per MiB', (r) => cpu('blobPuts')(r) / BLOBS, 'ms'],
  ['blob get, 1 MiB', 'ms CPU per MiB', (r) => cpu('blobGets')(r) / BLOBS, 'ms'],
  ['file', `MiB for ${MESSAGES.toLocaleString('en')} messages`, (r) => r.fileMiB, 'MiB'],
];

const fmt = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(value >= 10 ? 1 : 2);
console.log(
  `encryption at rest, median of ${ROUNDS} interleaved rounds; load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
);
console.log('| what | figure | plain | encrypted | encrypted / plain (rounds: lowest–highest) |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const [what, name, value, unit] of rows) {
  const [plain, encrypted] = [rounds.plain.map(value), rounds.encrypted.map(value)];
  const ratios = encrypted.map((e, n) => e / plain[n]!).toSorted((a, b) => a - b);
  console.log(
    `| ${what} | ${name} | ${fmt(median(plain))} ${unit} | ${fmt(median(encrypted))} ${unit} | ` +
      `${(median(encrypted) / median(plain)).toFixed(2)}× (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}) |`,
  );
}
const encrypted = (figure: Figure) => median(rounds.encrypted.map(figure));
const rewrap = encrypted(wall('rewrapBlobs'));
console.log(
  `rotation: the ${fmt(encrypted((r) => r.fileMiB))} MiB database re-encrypted in ${fmt(encrypted(wall('rekeyDatabase')))} ms; ` +
    `${BLOBS} blobs of 1 MiB re-wrapped in ${fmt(rewrap)} ms (${fmt(rewrap / BLOBS)} ms each: the bytes are copied, not decrypted)`,
);
