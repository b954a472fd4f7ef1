import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { CORS_ORIGINS: 'https://allowed.example' } });
});
afterAll(() => server.destroy());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json: body }),
  });

describe('HTTP surface', () => {
  it('reports health with the store state', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'up' });
  });

  it('sends security headers and answers CORS only for allowed origins', async () => {
    const res = await fetch(`${server.url}/healthz`, {
      headers: { origin: 'https://allowed.example' },
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    const evil = await fetch(`${server.url}/healthz`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives browsers httpOnly cookies and requires the CSRF header for cookie mutations', async () => {
    const username = `cookie_${Date.now().toString(36)}`;
    const signup = await post(
      'auth.signup',
      { username, email: `${username}@example.com`, password: 'a fine long password' },
      { 'x-parley-csrf': '1' },
    );
    expect(signup.status).toBe(200);
    const body = (await signup.json()) as {
      result: { data: { json: { refreshToken: string | null } } };
    };
    expect(body.result.data.json.refreshToken).toBeNull();
    const setCookies = signup.headers.getSetCookie();
    expect(
      setCookies.some((c) => /^parley_at=.+HttpOnly/i.test(c) && /SameSite=Lax/i.test(c)),
    ).toBe(true);
    expect(setCookies.some((c) => /^parley_rt=.+HttpOnly/i.test(c))).toBe(true);
    const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');

    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    const forged = await post('users.updateProfile', { bio: 'pwned' }, { cookie });
    expect(forged.status).toBe(403);
    const allowed = await post(
      'users.updateProfile',
      { bio: 'mine' },
      { cookie, 'x-parley-csrf': '1' },
    );
    expect(allowed.status).toBe(200);
    const refreshed = await post('auth.refresh', undefined, { cookie, 'x-parley-csrf': '1' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.getSetCookie().some((c) => c.startsWith('parley_rt='))).toBe(true);
  });

  it('answers malformed requests with 4xx, never 500', async () => {
    const alice = await signUp(server, 'malformed');
    const auth = { authorization: `Bearer ${alice.token()}` };
    const cases = [
      fetch(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      }),
      post('auth.login', { login: { $gt: '' }, password: 'x' }),
      post('no.such.procedure', {}),
      post('users.updateProfile', { __proto__: { admin: true }, bio: 1 }, auth),
      fetch(`${server.url}/trpc/users.search?input=%7Bbroken`, { headers: auth }),
      post('auth.signup', { username: 'x'.repeat(2_000_000) }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('serves an HTML page at /', async () => {
    const res = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });
});
