import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchUser } from './protocol.ts';
import {
  openBenchStore,
  seedMessages,
  seedUsers,
  signAccessToken,
  type SeededHistory,
} from './seed.ts';
import { REPO_ROOT } from './server-process.ts';

/** Bump when the seeded content changes. */
const SEED_VERSION = 3;
const CACHE_DIR = path.join(tmpdir(), 'parley-bench-cache');
const MAX_AGE_MS = 12 * 3600 * 1000;

interface Meta {
  users: Array<{ id: string; username: string; sessionId: string }>;
  histories: SeededHistory[];
  messages: number;
  /** The key the cached database is encrypted with (hex): each run's server is started with it. */
  encryptionKey: string;
}

function schemaFingerprint(): string {
  const file = path.join(REPO_ROOT, 'packages/db/src/sqlite/migrations.ts');
  return createHash('sha256')
    .update(existsSync(file) ? readFileSync(file) : '')
    .digest('hex')
    .slice(0, 12);
}

export interface HistoryDatabase {
  /** A fresh directory holding a copy of the seeded database, for one server run. */
  dataDir: string;
  /** The key that database is encrypted with. */
  encryptionKey: Buffer;
  /** Signs fresh access tokens for the seeded sessions with the run's secret. */
  install(jwtSecret: string): Promise<{
    pairs: Array<[BenchUser, BenchUser]>;
    histories: SeededHistory[];
    messages: number;
  }>;
}

/**
 * The history scenario needs a million stored messages. Seeding them through the Store takes
 * a while, so the seeded file is kept in the temp directory (keyed by size, seed version and
 * schema) and copied for each run; sessions in it are re-signed with the run's JWT secret.
 */
export async function cachedHistoryDatabase(opts: {
  pairs: number;
  perPair: number;
  log: (line: string) => void;
}): Promise<HistoryDatabase> {
  const key = `history-${opts.pairs}x${opts.perPair}-v${SEED_VERSION}-${schemaFingerprint()}`;
  const dir = path.join(CACHE_DIR, key);
  const dbFile = path.join(dir, 'parley.db');
  const metaFile = path.join(dir, 'meta.json');
  const fresh = existsSync(metaFile) && Date.now() - (await stat(metaFile)).mtimeMs < MAX_AGE_MS;
  if (!fresh) await build(dir, opts);
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as Meta;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-bench-'));
  await copyFile(dbFile, path.join(dataDir, 'parley.db'));
  return {
    dataDir,
    encryptionKey: Buffer.from(meta.encryptionKey, 'hex'),
    async install(jwtSecret) {
      const secret = new TextEncoder().encode(jwtSecret);
      const users: BenchUser[] = await Promise.all(
        meta.users.map(async (u) => ({
          id: u.id,
          username: u.username,
          token: await signAccessToken(secret, u.id, u.sessionId, 3600),
        })),
      );
      const pairs: Array<[BenchUser, BenchUser]> = [];
      for (let i = 0; i + 1 < users.length; i += 2) pairs.push([users[i]!, users[i + 1]!]);
      return { pairs, histories: meta.histories, messages: meta.messages };
    },
  };
}

async function build(
  dir: string,
  opts: { pairs: number; perPair: number; log: (line: string) => void },
) {
  const total = opts.pairs * opts.perPair;
  opts.log(`  seeding ${total.toLocaleString('en')} messages (kept in ${dir} for later runs)`);
  await rm(dir, { recursive: true, force: true });
  const building = `${dir}.building-${process.pid}`;
  await mkdir(building, { recursive: true });
  const encryptionKey = randomBytes(32);
  const store = await openBenchStore(`file:${path.join(building, 'parley.db')}`, encryptionKey);
  const started = Date.now();
  try {
    // Sessions are made through the store; their ids are kept so tokens can be signed per run.
    const users = await seedUsers(store, {
      databaseUrl: '',
      jwtSecret: 'x'.repeat(32),
      users: opts.pairs * 2,
      prefix: 'h',
      tokenTtlSeconds: 60,
    });
    const sessionIds = users.map(
      (u) => JSON.parse(Buffer.from(u.token.split('.')[1]!, 'base64url').toString()).sid as string,
    );
    const pairs: Array<[BenchUser, BenchUser]> = [];
    for (let i = 0; i + 1 < users.length; i += 2) pairs.push([users[i]!, users[i + 1]!]);
    const histories = await seedMessages(store, pairs, opts.perPair, {
      onProgress: (done) =>
        opts.log(
          `    ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round(done / ((Date.now() - started) / 1000))}/s)`,
        ),
    });
    const meta: Meta = {
      users: users.map((u, i) => ({ id: u.id, username: u.username, sessionId: sessionIds[i]! })),
      histories,
      messages: total,
      encryptionKey: encryptionKey.toString('hex'),
    };
    await writeFile(path.join(building, 'meta.json'), JSON.stringify(meta));
  } finally {
    await store.close();
  }
  await rename(building, dir);
  opts.log(`  seeded in ${Math.round((Date.now() - started) / 1000)} s`);
}
