/**
 * The two servers `pnpm bench` drives with the same load: Parley's production build, and the
 * Socket.IO baseline (bench/baseline). Each is seeded through its own storage code on a fresh
 * data directory and started as its own process in production mode.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { generateVapidKeys } from '@parley/api';
import type { Store } from '@parley/db';
import { hashPassword, secretKey, signToken } from '../baseline/auth.ts';
import { openDatabase } from '../baseline/db.ts';
import type { BenchUser, TargetName } from './protocol.ts';
import { BENCH_PASSWORD, openBenchStore, seedUsers } from './seed.ts';
import { REPO_ROOT, TSX_LOADER } from './server-process.ts';

/** The production build; PARLEY_BENCH_SERVER points at another build (A/B comparisons). */
export const SERVER_ENTRY = path.resolve(
  process.env.PARLEY_BENCH_SERVER ?? path.join(REPO_ROOT, 'apps/server/dist/main.js'),
);
const BASELINE_ENTRY = path.join(REPO_ROOT, 'bench/baseline/main.ts');

/**
 * Limits the benchmark lifts: it measures the messaging path, not the abuse protection, and
 * every one of its thousands of users connects from 127.0.0.1.
 */
export const BENCH_LIMITS = {
  WS_MAX_CONNECTIONS_PER_IP: '1000000',
  RATE_LIMIT_SEND_PER_SECOND: '100000',
  RATE_LIMIT_SIGNUP_PER_HOUR: '100000',
  RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
  RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_15_MINUTES: '100000',
  RATE_LIMIT_TYPING_PER_SECOND: '100000',
  // The channel of scenario 9 has 1,000 members.
  GROUP_MAX_MEMBERS: '5000',
};

/** What a scenario may seed before its server starts. */
export interface SeedContext {
  /** The secret the server will sign and verify tokens with. */
  jwtSecret: string;
  /**
   * `count` users named `${prefix}${i}` with the password BENCH_PASSWORD, each with an access
   * token signed as the server signs them (`sessions: false`: accounts only, for real logins).
   */
  users(count: number, prefix: string, opts?: { sessions?: boolean }): Promise<BenchUser[]>;
  /** Parley's Store, for what only Parley's scenarios seed (stored messages). */
  store(): Store;
}

/**
 * A target's storage and server: `encryptionKey` is Parley's master key of encryption at rest
 * (its store is seeded with it and its server started with it); the baseline has none.
 */
export interface Target {
  label: string;
  /** Opens the target's storage in `dataDir`, runs `seed`, closes it. */
  seed<S>(
    dataDir: string,
    jwtSecret: string,
    encryptionKey: Buffer,
    seed: (ctx: SeedContext) => Promise<S>,
  ): Promise<S>;
  /** How to start its server on what `seed` made. */
  server(
    dataDir: string,
    jwtSecret: string,
    encryptionKey: Buffer,
  ): { args: string[]; env: Record<string, string> };
}

const parley: Target = {
  label: 'Parley',
  async seed(dataDir, jwtSecret, encryptionKey, seed) {
    const store = await openBenchStore(`file:${path.join(dataDir, 'parley.db')}`, encryptionKey);
    try {
      return await seed({
        jwtSecret,
        users: (count, prefix, opts) =>
          seedUsers(store, { databaseUrl: '', jwtSecret, users: count, prefix, ...opts }),
        store: () => store,
      });
    } finally {
      await store.close();
    }
  },
  server(dataDir, jwtSecret, encryptionKey) {
    if (!existsSync(SERVER_ENTRY)) {
      throw new Error(
        `${SERVER_ENTRY} is missing: build it with \`pnpm --filter @parley/server build\``,
      );
    }
    return {
      args: [SERVER_ENTRY],
      env: {
        DATA_DIR: dataDir,
        JWT_SECRET: jwtSecret,
        ENCRYPTION_KEY: encryptionKey.toString('hex'),
        ...benchVapid(),
        LOG_LEVEL: 'warn',
        ...BENCH_LIMITS,
      },
    };
  },
};

/** Web Push keys, which a production process requires (the bench pushes to no one). */
function benchVapid() {
  const { publicKey, privateKey } = generateVapidKeys();
  return {
    VAPID_PUBLIC_KEY: publicKey,
    VAPID_PRIVATE_KEY: privateKey,
    VAPID_SUBJECT: 'mailto:bench@example.com',
  };
}

const baseline: Target = {
  label: 'baseline',
  async seed(dataDir, jwtSecret, _encryptionKey, seed) {
    const db = openDatabase(path.join(dataDir, 'baseline.db'));
    // One hash for every account, as Parley's seeding does: a login still verifies at full cost.
    const passwordHash = hashPassword(BENCH_PASSWORD);
    try {
      return await seed({
        jwtSecret,
        users(count, prefix, opts) {
          const key = secretKey(jwtSecret);
          return Promise.all(
            Array.from({ length: count }, async (_, i) => {
              const username = `${prefix}${i}`;
              const id = db.createUser(username, passwordHash);
              const token = opts?.sessions === false ? '' : await signToken(id, key);
              return { id, username, token };
            }),
          );
        },
        store() {
          throw new Error('the baseline has no Parley Store: this scenario is Parley-only');
        },
      });
    } finally {
      db.close();
    }
  },
  server(dataDir, jwtSecret) {
    return {
      args: ['--import', TSX_LOADER, BASELINE_ENTRY],
      env: { DATABASE_FILE: path.join(dataDir, 'baseline.db'), JWT_SECRET: jwtSecret },
    };
  },
};

export const TARGETS: Record<TargetName, Target> = { parley, baseline };
