/**
 * Security headers, CORS and CSRF beyond test/http.test.ts: every response kind carries the
 * headers, every mutation of the router refuses a cookie without the CSRF header, a foreign page
 * cannot open a signed-in socket with the cookie, and keys: required in production (a real
 * process refuses to start), generated once and kept in development.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { appRouter, generateVapidKeys } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '../harness.ts';
import { freePort } from '@parley/testing';
import { rawHttp, rawSocket, runMain, trpcCodeOf, trpcMessageOf } from './support.ts';

/** The Web Push keys a production process needs, as its environment gives them. */
function productionVapid() {
  const { publicKey, privateKey } = generateVapidKeys();
  return {
    VAPID_PUBLIC_KEY: publicKey,
    VAPID_PRIVATE_KEY: privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.com',
  };
}

const ALLOWED = 'https://allowed.example';
const EVIL = 'https://evil.example';

let server: TestServer;
let cookie = '';
beforeAll(async () => {
  server = await startTestServer({ env: { CORS_ORIGINS: ALLOWED, LOG_LEVEL: 'error' } });
  const username = `sec_${Date.now().toString(36)}`;
  const res = await fetch(`${server.url}/trpc/auth.signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-parley-csrf': '1' },
    body: JSON.stringify({
      json: { username, email: `${username}@example.com`, password: 'a fine long password' },
    }),
  });
  expect(res.status).toBe(200);
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
});
afterAll(() => server.destroy());

function expectSecurityHeaders(res: { headers: Headers }, what: string) {
  const h = (name: string) => res.headers.get(name);
  expect(h('x-content-type-options'), what).toBe('nosniff');
  expect(h('x-frame-options'), what).toBe('SAMEORIGIN');
  expect(h('referrer-policy'), what).toBe('no-referrer');
  expect(h('cross-origin-opener-policy'), what).toBe('same-origin');
  expect(h('cross-origin-resource-policy'), what).toBe('same-origin');
  expect(h('strict-transport-security'), what).toMatch(/max-age=\d+/);
  expect(h('x-powered-by'), what).toBeNull();
  const csp = h('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "script-src 'self'",
  ]) {
    expect(csp, what).toContain(directive);
  }
}

describe('security headers', () => {
  it('are on every kind of response: page, API success, API error, 404, 413, health', async () => {
    const cases: Array<[string, Promise<Response>]> = [
      ['the web page', fetch(`${server.url}/`, { headers: { accept: 'text/html' } })],
      ['a procedure', fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } })],
      ['a procedure error', fetch(`${server.url}/trpc/auth.me`)],
      ['an unknown route', fetch(`${server.url}/nope`)],
      [
        'a body too large',
        fetch(`${server.url}/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: 'x'.repeat(1024 * 1024 + 1),
        }),
      ],
      ['health', fetch(`${server.url}/healthz`)],
    ];
    for (const [what, pending] of cases) expectSecurityHeaders(await pending, what);
  });

  it('are on what Fastify and Node refuse before any hook runs: 400 bad URL, 414, 431, 400 malformed', async () => {
    const host = new URL(server.url).host;
    const cases: Array<[string, number, Promise<{ status: number; headers: Headers }>]> = [
      ['a malformed percent-encoding', 400, fetch(`${server.url}/%E0%A4%A`)],
      [
        'a procedure path past maxParamLength',
        414,
        fetch(`${server.url}/trpc/${'a'.repeat(6000)}`),
      ],
      [
        'headers over 16 KiB',
        431,
        rawHttp(server.url, [
          `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
        ]),
      ],
      ['a malformed request line', 400, rawHttp(server.url, ['NOT HTTP AT ALL\r\n\r\n'])],
    ];
    for (const [what, status, pending] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(status);
      expectSecurityHeaders(res, what);
    }
    // The answers are readable, not Fastify's or Node's defaults.
    const badUrl = await fetch(`${server.url}/%E0%A4%A`);
    expect(await badUrl.json()).toEqual({
      error: 'BAD_REQUEST',
      message: 'The address is not valid.',
    });
    const long = await fetch(`${server.url}/trpc/${'a'.repeat(6000)}`);
    expect(trpcMessageOf(await long.json())).toBe('The address is too long.');
  });

  it('never shows a stack trace or internal detail in an error', async () => {
    const bodies = await Promise.all(
      [
        fetch(`${server.url}/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{',
        }),
        fetch(`${server.url}/trpc/%25`),
        fetch(`${server.url}/trpc/auth.me`, { headers: { authorization: 'Bearer x.y.z' } }),
      ].map(async (p) => (await p).text()),
    );
    for (const body of bodies) {
      expect(body).not.toMatch(/\bat \S+ \(|node_modules|\/work\/|\.ts:\d+/);
    }
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin with credentials and the headers the client needs', async () => {
    const res = await fetch(`${server.url}/trpc/chat.send`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-parley-csrf,authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/x-parley-csrf/);
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives other origins (and the null origin) nothing to read', async () => {
    for (const origin of [EVIL, 'null', `${ALLOWED}.evil.example`, 'http://allowed.example']) {
      const preflight = await fetch(`${server.url}/trpc/chat.send`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-parley-csrf',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
      const read = await fetch(`${server.url}/trpc/auth.me`, { headers: { origin, cookie } });
      // Without Access-Control-Allow-Origin the browser keeps the answer from the page
      // (@fastify/cors also sends allow-credentials, which alone grants nothing).
      expect(read.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});

describe('CSRF', () => {
  const mutations = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
  )
    .filter(([, p]) => p._def.type === 'mutation')
    .map(([path]) => path);

  it.each(mutations)(
    'refuses %s with the session cookie but without the CSRF header',
    async (procedure) => {
      const res = await fetch(`${server.url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: EVIL },
        body: JSON.stringify({ json: {} }),
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as unknown;
      expect(trpcCodeOf(body)).toBe('FORBIDDEN');
      expect(trpcMessageOf(body)).toBe('This request is missing its CSRF header.');
    },
  );

  it('refuses an image upload with the session cookie but without the CSRF header', async () => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }),
      'x.png',
    );
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { cookie, origin: EVIL },
      body: form,
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'This request is missing its CSRF header.',
    });
  });

  it('refuses what a cross-site form can send (no JSON content type), cookie or not', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await fetch(`${server.url}/trpc/users.updateProfile`, {
        method: 'POST',
        headers: { 'content-type': type, cookie, origin: EVIL },
        body: 'json={"bio":"pwned"}',
      });
      expect(res.status, type).toBeGreaterThanOrEqual(400);
      expect(res.status, type).toBeLessThan(500);
    }
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
    expect(JSON.stringify(await me.json())).not.toContain('pwned');
  });

  it('refuses a signed-in socket opened with the cookie from a foreign page (cross-site WebSocket hijacking)', async () => {
    const foreign = rawSocket(server.wsUrl, { headers: { cookie, origin: EVIL } });
    await foreign.opened;
    const closed = await foreign.closing;
    expect(trpcCodeOf(foreign.json()[0])).toBe('FORBIDDEN');
    expect(trpcMessageOf(foreign.json()[0])).toBe('This origin may not open a signed-in socket.');
    expect(closed.code).not.toBe(1000);

    // The same page, or an allowed origin, may.
    for (const origin of [server.url, ALLOWED]) {
      const own = rawSocket(server.wsUrl, { headers: { cookie, origin } });
      await own.opened;
      expect((await own.askMe()).result, origin).toBeDefined();
      own.ws.close();
    }
  });
});

describe('production mode', () => {
  it('marks cookies Secure and keeps them httpOnly and SameSite=Lax', async () => {
    const prod = await startTestServer({
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: 'a-production-secret-of-32-characters!!',
        ENCRYPTION_KEY: 'a1'.repeat(32),
        ...productionVapid(),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
      },
    });
    try {
      const username = `prod_${Date.now().toString(36)}`;
      const res = await fetch(`${prod.url}/trpc/auth.signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parley-csrf': '1' },
        body: JSON.stringify({
          json: { username, email: `${username}@example.com`, password: 'a fine long password' },
        }),
      });
      const cookies = res.headers.getSetCookie();
      expect(cookies).toHaveLength(2);
      for (const c of cookies) expect(c).toMatch(/; Secure/i);
      for (const c of cookies) expect(c).toMatch(/HttpOnly/i);
      for (const c of cookies) expect(c).toMatch(/SameSite=Lax/i);
    } finally {
      await prod.destroy();
    }
  });

  it('will not start without a JWT secret, an encryption key or VAPID keys: the process exits non-zero with a readable message', async () => {
    const port = await freePort();
    const secret = { JWT_SECRET: 'a-production-secret-of-32-characters!!' };
    for (const [env, message] of [
      [{}, /JWT_SECRET: required in production/],
      [{ JWT_SECRET: 'too short' }, /JWT_SECRET: must be at least 32 characters/],
      [secret, /ENCRYPTION_KEY: required in production/],
      [
        { ...secret, ENCRYPTION_KEY: 'ab'.repeat(32) },
        /VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: required in production/,
      ],
    ] as const) {
      const run = runMain({
        NODE_ENV: 'production',
        PORT: String(port),
        DATA_DIR: server.dataDir,
        ...env,
      });
      const exit = await run.exited;
      expect(exit.code, run.output()).toBe(1);
      expect(run.output()).toMatch(message);
      expect(run.output()).toMatch(/^Invalid configuration:/m);
      expect(run.output()).not.toMatch(/\n\s+at /);
    }
  });
});

describe('development keys', () => {
  it('are generated once into DATA_DIR (owner-only) and kept across restarts', async () => {
    const first = await startTestServer({ env: { NODE_ENV: 'development', LOG_LEVEL: 'silent' } });
    const dataDir = first.dataDir;
    const port = Number(new URL(first.url).port);
    const alice = await signUp(first, 'devkey');
    const vapidBefore = (await alice.http.notifications.publicKey.query()).publicKey;
    await first.close();
    const keyFile = path.join(dataDir, 'dev-jwt-key.json');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dataDir, 'dev-vapid-keys.json'))).mode & 0o777).toBe(0o600);

    const second = await startTestServer({
      env: { NODE_ENV: 'development', LOG_LEVEL: 'silent' },
      dataDir,
      port,
    });
    try {
      // The token signed before the restart still verifies: same key.
      expect((await alice.http.auth.me.query()).id).toBe(alice.user.id);
      // Browsers' push subscriptions are bound to the VAPID key: it is the same too.
      expect((await alice.http.notifications.publicKey.query()).publicKey).toBe(vapidBefore);
    } finally {
      await second.destroy();
    }
  });
});
