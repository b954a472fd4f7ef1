import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

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

  it('names every bad variable', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', CORS_ORIGINS: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*\n.*DATABASE_URL: must start with file:/);
    expect(attempt).toThrow(/CORS_ORIGINS/);
  });

  it('requires a JWT secret in production and binds to every interface there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: required in production/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 's'.repeat(32),
      MONGODB_URI: 'mongodb://db/parley',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      databaseUrl: 'mongodb://db/parley',
      production: true,
    });
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32/);
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
});
