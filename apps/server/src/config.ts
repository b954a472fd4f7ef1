import path from 'node:path';
import type { RateLimitSettings } from '@parley/api';
import { z } from 'zod';
import type { ConnectionLimits } from './plugins/limits.ts';

const booleanish = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1');

/** A rate limit override: a positive whole number of requests per window; unset keeps the default. */
const limit = z.coerce.number().int().min(1).max(1_000_000_000).optional();

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
  RATE_LIMIT_SEND_PER_SECOND: limit,
  RATE_LIMIT_TYPING_PER_SECOND: limit,
  WS_MAX_CONNECTIONS_PER_USER: limit,
  WS_MAX_CONNECTIONS_PER_IP: limit,
  WS_SLOW_CONSUMER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024, 'must be at least 65536')
    .max(1024 ** 3)
    .optional(),
});

export type Env = z.input<typeof EnvSchema>;

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
  corsOrigins: string[];
  logLevel: string;
  prettyLogs: boolean;
  trustProxy: boolean;
  webDist: string;
  /** Rate limits set in the environment; the rest keep the defaults of `@parley/api`. */
  rateLimits: Partial<RateLimitSettings>;
  /** WebSocket connection limits set in the environment; the rest keep the defaults of plugins/limits.ts. */
  connectionLimits: Partial<ConnectionLimits>;
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
  if (production && !e.JWT_SECRET && !e.JWT_KEYS) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET: required in production (or JWT_KEYS)',
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
      sendPerUserPerSecond: e.RATE_LIMIT_SEND_PER_SECOND,
      typingPerUserPerSecond: e.RATE_LIMIT_TYPING_PER_SECOND,
    }),
    connectionLimits: definedOnly({
      maxConnectionsPerUser: e.WS_MAX_CONNECTIONS_PER_USER,
      maxConnectionsPerIp: e.WS_MAX_CONNECTIONS_PER_IP,
      slowConsumerBytes: e.WS_SLOW_CONSUMER_BYTES,
    }),
  };
}

function definedOnly<T extends object>(record: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
