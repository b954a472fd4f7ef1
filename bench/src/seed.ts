import { randomUUID } from 'node:crypto';
import { createTokenIssuer, hashPassword } from '@parley/api';
import { openStore, type Store } from '@parley/db';

/** Every seeded account has this password, so real logins (scenario 6) can use any of them. */
export const BENCH_PASSWORD = 'bench password that is long enough';

export interface SeededUser {
  id: string;
  username: string;
  /** An access token of a real session stored for this user, signed with the server's secret. */
  token: string;
}

export interface SeedOptions {
  /** A `file:` (or `mongodb://`) URL, as the server's DATABASE_URL. */
  databaseUrl: string;
  jwtSecret: string;
  /** How many users to create, named `${prefix}${i}`. */
  users: number;
  prefix: string;
  /** Create sessions and tokens (false: accounts only, for real logins). */
  sessions?: boolean;
  /** How long minted access tokens live. */
  tokenTtlSeconds?: number;
}

let passwordHash: Promise<string> | null = null;

/**
 * Creates users through the real Store adapter with one shared argon2id hash (hashing 10,000
 * passwords would take minutes and measure nothing), and, unless told otherwise, a session each
 * with an access token signed exactly as the server signs them.
 */
export async function seedUsers(store: Store, opts: SeedOptions): Promise<SeededUser[]> {
  // The server's own hashing: a login verifies at full cost.
  passwordHash ??= hashPassword(BENCH_PASSWORD);
  const hash = await passwordHash;
  const secret = new TextEncoder().encode(opts.jwtSecret);
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const users: SeededUser[] = [];
  for (let i = 0; i < opts.users; i++) {
    const username = `${opts.prefix}${i}`;
    const user = await store.createUser({
      username,
      email: `${username}@bench.invalid`,
      passwordHash: hash,
      displayName: `Bench ${i}`,
    });
    let token = '';
    if (opts.sessions !== false) {
      const session = await store.createSession({
        userId: user.id,
        refreshTokenHash: randomUUID(),
        expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
        userAgent: 'parley-bench',
        ip: '127.0.0.1',
      });
      token = await signAccessToken(secret, user.id, session.id, ttl);
    }
    users.push({ id: user.id, username, token });
  }
  return users;
}

/** An access token exactly as the server signs it with JWT_SECRET (whose key id is `env`). */
export async function signAccessToken(
  secret: Uint8Array,
  userId: string,
  sessionId: string,
  ttlSeconds: number,
): Promise<string> {
  const issuer = createTokenIssuer({
    keys: [{ kid: 'env', secret }],
    ttlSeconds,
    now: () => new Date(),
  });
  return (await issuer.sign(userId, sessionId)).token;
}

/**
 * Fills each pair's conversation with `perPair` messages through `store.sendMessage` (the same
 * transaction the server runs). Returns, per pair, its conversation and a sample of history
 * cursors into it (each with at least `minOlder` older messages).
 */
export async function seedMessages(
  store: Store,
  pairs: Array<[SeededUser, SeededUser]>,
  perPair: number,
  opts: { cursorsPerPair?: number; onProgress?: (done: number) => void } = {},
  /** Cursors only where at least this many older messages exist, so every page from them is full. */
  minOlder = 100,
): Promise<SeededHistory[]> {
  const cursorsPerPair = opts.cursorsPerPair ?? 16;
  const every = Math.max(1, Math.floor((perPair - minOlder) / cursorsPerPair));
  const histories: SeededHistory[] = pairs.map(() => ({ conversationId: '', cursors: [] }));
  const start = Date.now() - perPair * 1000;
  let done = 0;
  for (let m = 0; m < perPair; m++) {
    // One message per conversation at a time, all conversations at once: a store that groups
    // concurrent writes into one transaction seeds much faster, and every conversation stays in order.
    const sent = await Promise.all(
      pairs.map(([a, b], p) => {
        const [from, to] = m % 2 === 0 ? [a, b] : [b, a];
        return store.sendMessage({
          senderId: from.id,
          recipientId: to.id,
          mentionUsernames: [],
          text: `seeded message ${m} of pair ${p}: the quick brown fox jumps over the lazy dog`,
          attachmentIds: [],
          clientMessageId: `seed-${p}-${m}`,
          createdAt: new Date(start + m * 1000),
        });
      }),
    );
    sent.forEach(({ message }, p) => {
      histories[p]!.conversationId = message.conversationId;
      if (m % every === every - 1 && m >= minOlder) histories[p]!.cursors.push(`b:${message.seq}`);
    });
    done += pairs.length;
    if (Math.floor(done / 50_000) !== Math.floor((done - pairs.length) / 50_000))
      opts.onProgress?.(done);
  }
  return histories;
}

/** A seeded conversation and history cursors into it (older than a message: `b:<seq>`). */
export interface SeededHistory {
  conversationId: string;
  cursors: string[];
}

/** Parley's store as its server opens it: encrypted with the server's key. */
export async function openBenchStore(databaseUrl: string, encryptionKey: Buffer): Promise<Store> {
  return openStore(databaseUrl, { encryptionKey });
}
