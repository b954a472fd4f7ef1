import path from 'node:path';
import {
  parseAllowList,
  type FileLimits,
  type LinkPreviewOptions,
  type RateLimitSettings,
} from '@parley/api';
import { FILE_UPLOAD_DEFAULTS } from '@parley/api/protocol';
import type { Synchronous } from '@parley/db';
import { z } from 'zod';
import type { ConnectionLimits } from './plugins/socket-limits.ts';

const booleanish = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1');

/** 32 random bytes (`openssl rand -hex 32`): 64 hex characters, or base64 / base64url. */
export function parseEncryptionKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return Buffer.from(value, 'base64');
  return null;
}

export const ENCRYPTION_KEY_FORMAT =
  'must be 32 random bytes: 64 hex characters or base64 (make one with `openssl rand -hex 32`)';

const encryptionKey = z.string().transform((value, ctx) => {
  const key = parseEncryptionKey(value);
  if (key) return key;
  ctx.addIssue({ code: 'custom', message: ENCRYPTION_KEY_FORMAT });
  return z.NEVER;
});

/** A rate limit override: a positive whole number of requests per window; unset keeps the default. */
const limit = z.coerce.number().int().min(1).max(1_000_000_000).optional();

/** A base64url key of `bytes` bytes (VAPID keys are P-256: 65-byte public, 32-byte private). */
const vapidKey = (bytes: number) =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+$/,
      'must be base64url (as `npx web-push generate-vapid-keys` prints it)',
    )
    .refine(
      (key) => Buffer.from(key, 'base64url').length === bytes,
      `must be a base64url key of ${bytes} bytes (as \`npx web-push generate-vapid-keys\` prints it)`,
    );
/** A duration in milliseconds, from a second to an hour. */
const milliseconds = z.coerce
  .number()
  .int()
  .min(1000, 'must be at least 1000 (milliseconds)')
  .max(3_600_000, 'must be at most 3600000 (an hour)');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(
      /^(file:|mongodb:\/\/|mongodb\+srv:\/\/)/,
      'must start with file:, mongodb:// or mongodb+srv://',
    )
    .optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_KEYS: z
    .string()
    .regex(
      /^([A-Za-z0-9_-]+:[^,]{32,})(,[A-Za-z0-9_-]+:[^,]{32,})*$/,
      'must be kid:secret pairs (secrets of 32+ characters), comma-separated; the first signs',
    )
    .optional(),
  ENCRYPTION_KEY: encryptionKey.optional(),
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full'], 'must be normal or full').default('normal'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.url('must be a comma-separated list of origins like https://chat.example.com')),
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: booleanish.default(false),
  WEB_DIST: z.string().optional(),
  RATE_LIMIT_SIGNUP_PER_HOUR: limit,
  RATE_LIMIT_LOGIN_PER_MINUTE: limit,
  RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_15_MINUTES: limit,
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: limit,
  RATE_LIMIT_SEND_PER_SECOND: limit,
  RATE_LIMIT_TYPING_PER_SECOND: limit,
  RATE_LIMIT_GROUP_CHANGES_PER_MINUTE: limit,
  ADMIN_USERNAMES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((u) => u.trim().toLowerCase())
        .filter(Boolean),
    ),
  MESSAGE_EDIT_WINDOW_HOURS: z.coerce
    .number()
    .min(0, 'must be 0 or more')
    .max(24 * 365, 'must be at most 8760 (a year)')
    .default(48),
  GROUP_MAX_MEMBERS: z.coerce
    .number()
    .int()
    .min(2, 'must be at least 2')
    .max(100_000, 'must be at most 100000')
    .default(256),
  VAPID_PUBLIC_KEY: vapidKey(65).optional(),
  VAPID_PRIVATE_KEY: vapidKey(32).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL')
    .optional(),
  WS_MAX_CONNECTIONS_PER_USER: limit,
  WS_MAX_CONNECTIONS_PER_IP: limit,
  WS_SLOW_CONSUMER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024, 'must be at least 65536')
    .max(1024 ** 3)
    .optional(),
  WS_PING_INTERVAL_MS: milliseconds.optional(),
  FILE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 (bytes)')
    .max(1024 ** 3, 'must be at most 1073741824 (1 GiB)')
    .default(FILE_UPLOAD_DEFAULTS.maxBytes),
  VOICE_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1 (second)')
    .max(3600, 'must be at most 3600 (an hour)')
    .default(FILE_UPLOAD_DEFAULTS.voiceMaxSeconds),
  HTTP_REQUEST_TIMEOUT_MS: milliseconds.default(120_000),
  HTTP_IDLE_TIMEOUT_MS: milliseconds.default(30_000),
  LINK_PREVIEWS: z.enum(['on', 'off']).default('on'),
  LINK_PREVIEW_ALLOW: z
    .string()
    .default('')
    .transform((list, ctx) => {
      try {
        return parseAllowList(list);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  LINK_PREVIEW_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100, 'must be at least 100 (milliseconds)')
    .max(60_000, 'must be at most 60000 (a minute)')
    .default(5000),
});

/** The validated process configuration. */
export interface Config {
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string | null;
  jwtSecret: string | null;
  jwtKeys: string | null;
  /**
   * The master key of encryption at rest (the SQLite file and every blob); null in development
   * without ENCRYPTION_KEY: a key generated into the data directory is used (keys.ts).
   */
  encryptionKey: Buffer | null;
  /** When a SQLite commit reaches the disk: every commit (`full`) or at checkpoints (`normal`). */
  sqliteSynchronous: Synchronous;
  corsOrigins: string[];
  logLevel: string;
  prettyLogs: boolean;
  trustProxy: boolean;
  webDist: string;
  /** Rate limits set in the environment; the rest keep the defaults of `@parley/api`. */
  rateLimits: Partial<RateLimitSettings>;
  /** The member cap of every group. */
  groupMaxMembers: number;
  /** How long after sending a message its sender may edit or delete it, ms. */
  editWindowMs: number;
  /** How large a file (or voice note) and how long a voice note may be. */
  fileLimits: FileLimits;
  /** The VAPID keys of Web Push from the environment; null: generated into DATA_DIR (not production). */
  vapid: { publicKey: string; privateKey: string; subject: string } | null;
  /** Push endpoints may be plain http or local hosts (tests only). */
  allowInsecurePushEndpoints: boolean;
  /** Usernames of the server's administrators (they see and resolve reports). */
  adminUsernames: string[];
  /** WebSocket connection limits set in the environment; the rest keep the defaults of plugins/socket-limits.ts. */
  connectionLimits: Partial<ConnectionLimits>;
  /** How long a request may take to arrive, and a connection may do nothing (see app.ts). */
  httpTimeouts: { requestTimeoutMs: number; idleTimeoutMs: number };
  /** Link previews: on or off, the private addresses they may reach, their time limit. */
  linkPreviews: LinkPreviewOptions;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad value throws a ConfigError naming every offending variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = path.resolve(base, e.DATA_DIR);
  const missing = [
    !e.JWT_SECRET && !e.JWT_KEYS && 'JWT_SECRET: required in production (or JWT_KEYS)',
    !e.ENCRYPTION_KEY && `ENCRYPTION_KEY: required in production; ${ENCRYPTION_KEY_FORMAT}`,
  ].filter((line) => typeof line === 'string');
  if (production && missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n${missing.map((line) => `  ${line}`).join('\n')}`,
    );
  }
  const vapid = [e.VAPID_PUBLIC_KEY, e.VAPID_PRIVATE_KEY, e.VAPID_SUBJECT];
  if (vapid.some(Boolean) && !vapid.every(Boolean)) {
    throw new ConfigError(
      'Invalid configuration:\n  VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: set all three or none',
    );
  }
  if (production && !e.VAPID_PUBLIC_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: required in production ' +
        '(Web Push; make a key pair with `npx web-push generate-vapid-keys`)',
    );
  }
  return {
    production,
    port: e.PORT,
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    dataDir,
    databaseUrl: e.DATABASE_URL ?? e.MONGODB_URI ?? `file:${path.join(dataDir, 'parley.db')}`,
    redisUrl: e.REDIS_URL ?? null,
    jwtSecret: e.JWT_SECRET ?? null,
    jwtKeys: e.JWT_KEYS ?? null,
    encryptionKey: e.ENCRYPTION_KEY ?? null,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    prettyLogs: !production && e.NODE_ENV !== 'test',
    trustProxy: e.TRUST_PROXY,
    webDist: e.WEB_DIST
      ? path.resolve(base, e.WEB_DIST)
      : new URL('../../web/dist', import.meta.url).pathname,
    rateLimits: definedOnly({
      signupPerIpPerHour: e.RATE_LIMIT_SIGNUP_PER_HOUR,
      loginPerIpPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      loginPerAccountPer15Minutes: e.RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_15_MINUTES,
      loginFailuresPerAccountPerHour: e.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR,
      sendPerUserPerSecond: e.RATE_LIMIT_SEND_PER_SECOND,
      typingPerUserPerSecond: e.RATE_LIMIT_TYPING_PER_SECOND,
      groupChangePerUserPerMinute: e.RATE_LIMIT_GROUP_CHANGES_PER_MINUTE,
    }),
    groupMaxMembers: e.GROUP_MAX_MEMBERS,
    editWindowMs: e.MESSAGE_EDIT_WINDOW_HOURS * 3600_000,
    fileLimits: { fileMaxBytes: e.FILE_MAX_BYTES, voiceMaxSeconds: e.VOICE_MAX_SECONDS },
    vapid:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY && e.VAPID_SUBJECT
        ? {
            publicKey: e.VAPID_PUBLIC_KEY,
            privateKey: e.VAPID_PRIVATE_KEY,
            subject: e.VAPID_SUBJECT,
          }
        : null,
    allowInsecurePushEndpoints: e.NODE_ENV === 'test',
    adminUsernames: e.ADMIN_USERNAMES,
    connectionLimits: definedOnly({
      maxConnectionsPerUser: e.WS_MAX_CONNECTIONS_PER_USER,
      maxConnectionsPerIp: e.WS_MAX_CONNECTIONS_PER_IP,
      slowConsumerBytes: e.WS_SLOW_CONSUMER_BYTES,
      pingIntervalMs: e.WS_PING_INTERVAL_MS,
    }),
    httpTimeouts: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
    },
    linkPreviews: {
      enabled: e.LINK_PREVIEWS === 'on',
      allow: e.LINK_PREVIEW_ALLOW,
      timeoutMs: e.LINK_PREVIEW_TIMEOUT_MS,
    },
  };
}

function definedOnly<T extends object>(record: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
