import { generateVapidKeys } from '@parley/api';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const keys = generateVapidKeys();
const VAPID = {
  VAPID_PUBLIC_KEY: keys.publicKey,
  VAPID_PRIVATE_KEY: keys.privateKey,
  VAPID_SUBJECT: 'mailto:ops@example.com',
};

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({ INIT_CWD: '/srv/parley' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/parley/data',
      databaseUrl: 'file:/srv/parley/data/parley.db',
      redisUrl: null,
      production: false,
    });
  });

  it('reads the link preview settings, refusing a bad allow-list entry', () => {
    expect(loadConfig({}).linkPreviews).toMatchObject({ enabled: true, timeoutMs: 5000 });
    const config = loadConfig({
      LINK_PREVIEWS: 'off',
      LINK_PREVIEW_ALLOW: '127.0.0.1, 10.0.0.0/8 ,::1',
      LINK_PREVIEW_TIMEOUT_MS: '2000',
    });
    expect(config.linkPreviews).toMatchObject({ enabled: false, timeoutMs: 2000 });
    expect(config.linkPreviews.allow.has('10.20.30.40')).toBe(true);
    expect(config.linkPreviews.allow.has('127.0.0.2')).toBe(false);
    expect(() => loadConfig({ LINK_PREVIEW_ALLOW: '127.0.0.1,localhost' })).toThrow(
      /LINK_PREVIEW_ALLOW: "localhost" is not an IP address or a CIDR network/,
    );
    expect(() => loadConfig({ LINK_PREVIEWS: 'maybe' })).toThrow(/LINK_PREVIEWS/);
  });

  it('names every bad variable', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', CORS_ORIGINS: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*\n.*DATABASE_URL: must start with file:/);
    expect(attempt).toThrow(/CORS_ORIGINS/);
  });

  it('requires a JWT secret and an encryption key in production and binds to every interface there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid configuration:\n {2}JWT_SECRET: required in production.*\n {2}ENCRYPTION_KEY: required in production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) })).toThrow(
      /^Invalid configuration:\n {2}ENCRYPTION_KEY: required in production; must be 32 random bytes/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 's'.repeat(32),
      ENCRYPTION_KEY: 'ab'.repeat(32),
      MONGODB_URI: 'mongodb://db/parley',
      ...VAPID,
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      databaseUrl: 'mongodb://db/parley',
      production: true,
    });
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32/);
  });

  it('reads the encryption key as 64 hex characters or base64, and nothing else', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, n) => n * 7));
    for (const encoded of [
      key.toString('hex'),
      key.toString('hex').toUpperCase(),
      key.toString('base64'),
      key.toString('base64url'),
    ]) {
      expect(loadConfig({ ENCRYPTION_KEY: encoded }).encryptionKey).toEqual(key);
    }
    expect(loadConfig({}).encryptionKey).toBeNull();
    for (const bad of ['', 'secret', key.toString('hex').slice(2), `${key.toString('hex')}00`]) {
      expect(() => loadConfig({ ENCRYPTION_KEY: bad }), bad).toThrow(
        /ENCRYPTION_KEY: must be 32 random bytes: 64 hex characters or base64/,
      );
    }
  });

  it('requires the VAPID keys of Web Push in production, all three or none, well formed', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 's'.repeat(32),
      ENCRYPTION_KEY: 'ab'.repeat(32),
    };
    expect(() => loadConfig(production)).toThrow(
      /VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: required in production/,
    );
    expect(loadConfig({ ...production, ...VAPID }).vapid).toEqual({
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      subject: 'mailto:ops@example.com',
    });
    expect(loadConfig({}).vapid).toBeNull();
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: keys.publicKey })).toThrow(/set all three or none/);
    expect(() => loadConfig({ ...VAPID, VAPID_PUBLIC_KEY: keys.privateKey })).toThrow(
      /VAPID_PUBLIC_KEY: must be a base64url key of 65 bytes/,
    );
    expect(() => loadConfig({ ...VAPID, VAPID_PRIVATE_KEY: 'not base64!' })).toThrow(
      /VAPID_PRIVATE_KEY: must be base64url/,
    );
    expect(() => loadConfig({ ...VAPID, VAPID_SUBJECT: 'http://example.com' })).toThrow(
      /VAPID_SUBJECT: must be a mailto: address or an https: URL/,
    );
    expect(loadConfig({ NODE_ENV: 'test' }).allowInsecurePushEndpoints).toBe(true);
    expect(loadConfig({}).allowInsecurePushEndpoints).toBe(false);
  });

  it('reads when SQLite commits reach the disk, normal unless told', () => {
    expect(loadConfig({}).sqliteSynchronous).toBe('normal');
    expect(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).sqliteSynchronous).toBe('full');
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(
      /SQLITE_SYNCHRONOUS: must be normal or full/,
    );
  });

  it('reads rate limits from the environment, leaving the rest at their defaults', () => {
    expect(loadConfig({}).rateLimits).toEqual({});
    const config = loadConfig({
      RATE_LIMIT_SEND_PER_SECOND: '1000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '6000',
    });
    expect(config.rateLimits).toEqual({ sendPerUserPerSecond: 1000, loginPerIpPerMinute: 6000 });
    expect(() => loadConfig({ RATE_LIMIT_SIGNUP_PER_HOUR: '0' })).toThrow(
      /RATE_LIMIT_SIGNUP_PER_HOUR/,
    );
    expect(() => loadConfig({ RATE_LIMIT_TYPING_PER_SECOND: 'lots' })).toThrow(
      /RATE_LIMIT_TYPING_PER_SECOND/,
    );
  });

  it('reads the HTTP timeouts and the ping interval, refusing durations under a second', () => {
    expect(loadConfig({}).httpTimeouts).toEqual({
      requestTimeoutMs: 120_000,
      idleTimeoutMs: 30_000,
    });
    const config = loadConfig({
      HTTP_REQUEST_TIMEOUT_MS: '60000',
      HTTP_IDLE_TIMEOUT_MS: '5000',
      WS_PING_INTERVAL_MS: '20000',
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '50',
    });
    expect(config.httpTimeouts).toEqual({ requestTimeoutMs: 60_000, idleTimeoutMs: 5000 });
    expect(config.connectionLimits).toEqual({ pingIntervalMs: 20_000 });
    expect(config.rateLimits).toEqual({ loginFailuresPerAccountPerHour: 50 });
    expect(() => loadConfig({ HTTP_IDLE_TIMEOUT_MS: '10' })).toThrow(
      /HTTP_IDLE_TIMEOUT_MS: must be at least 1000 \(milliseconds\)/,
    );
  });
});
