import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, rejection, signUp, startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

describe('accounts', () => {
  it('signs up, reads me, and is refused after logout', async () => {
    const alice = await signUp(server, 'alice');
    expect(alice.session.accessToken).toMatch(/^ey/);
    expect(alice.session.refreshToken).toHaveLength(43);
    const me = await alice.http.auth.me.query();
    expect(me).toMatchObject({
      id: alice.user.id,
      username: alice.username,
      email: `${alice.username}@example.com`,
    });
    expect(me.createdAt).toBeInstanceOf(Date);
    expect(me).not.toHaveProperty('passwordHash');
    // The default MESSAGE_EDIT_WINDOW_HOURS, for clients to offer Edit only while it works.
    expect(me.editWindowMs).toBe(48 * 3600_000);

    await alice.http.auth.logout.mutate();
    const refused = await rejection(alice.http.auth.me.query());
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    expect(refused.message).toMatch(/session has ended/i);
  });

  it('logs in by username or email in any case', async () => {
    const bob = await signUp(server, 'bob');
    const anon = httpClient(server);
    const byName = await anon.auth.login.mutate({
      login: bob.username.toUpperCase(),
      password: bob.password,
    });
    const byEmail = await anon.auth.login.mutate({
      login: `${bob.username}@EXAMPLE.com`,
      password: bob.password,
    });
    expect(byName.user.id).toBe(bob.user.id);
    expect(byEmail.user.id).toBe(bob.user.id);
    expect(byName.sessionId).not.toBe(byEmail.sessionId);
  });

  it('refuses duplicate usernames and emails in any case with CONFLICT', async () => {
    const carol = await signUp(server, 'carol');
    const anon = httpClient(server);
    const sameName = await rejection(
      anon.auth.signup.mutate({
        username: carol.username.toUpperCase(),
        email: 'other@example.com',
        password: 'a fine long password',
      }),
    );
    expect(sameName.data?.code).toBe('CONFLICT');
    expect(sameName.data?.fieldErrors).toEqual({ username: ['That username is taken.'] });
    const sameEmail = await rejection(
      anon.auth.signup.mutate({
        username: 'someone_else',
        email: `${carol.username.toUpperCase()}@Example.COM`,
        password: 'a fine long password',
      }),
    );
    expect(sameEmail.data?.code).toBe('CONFLICT');
    expect(sameEmail.data?.fieldErrors).toEqual({ email: ['That email is already registered.'] });
  });

  it.each([
    ['a too short username', { username: 'ab' }, 'username'],
    ['a too long username', { username: 'a'.repeat(33) }, 'username'],
    ['a username with bad characters', { username: 'bad name!' }, 'username'],
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['a too short password', { password: 'short' }, 'password'],
    ['a too long password', { password: 'x'.repeat(257) }, 'password'],
    ['a common password', { password: 'qwertyuiop' }, 'password'],
    ['a too long display name', { displayName: 'd'.repeat(65) }, 'displayName'],
    ['a wrong type', { username: 42 }, 'username'],
    ['a missing field', { email: undefined }, 'email'],
  ])('refuses %s with BAD_REQUEST and a field error', async (_what, patch, field) => {
    const input = {
      username: 'valid_name',
      email: 'valid@example.com',
      password: 'a fine long password',
      ...patch,
    };
    const error = await rejection(httpClient(server).auth.signup.mutate(input as never));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(Object.keys(error.data?.fieldErrors ?? {})).toContain(field);
    expect(error.message).not.toMatch(/^\[|stack|at Object/);
  });

  it('answers a wrong password and an unknown user alike, in message and time', async () => {
    const dave = await signUp(server, 'dave');
    const anon = httpClient(server);
    const timed = async (login: string) => {
      const started = performance.now();
      const error = await rejection(
        anon.auth.login.mutate({ login, password: 'not the password at all' }),
      );
      return { error, ms: performance.now() - started };
    };
    await timed('warm_up_nobody');
    // The fastest of a few tries each, taken in turns: one hash can take three times another
    // while the machine pages memory in, and a missing decoy hash would make an unknown user
    // answer in a millisecond.
    const wrong = [];
    const unknown = [];
    for (let i = 0; i < 4; i++) {
      wrong.push(await timed(dave.username));
      unknown.push(await timed('nobody_by_this_name'));
    }
    expect(wrong[0]!.error.data?.code).toBe('UNAUTHORIZED');
    expect(unknown[0]!.error.data?.code).toBe('UNAUTHORIZED');
    expect(unknown[0]!.error.message).toBe(wrong[0]!.error.message);
    const fastest = (tries: Array<{ ms: number }>) => Math.min(...tries.map((t) => t.ms));
    expect(fastest(unknown)).toBeGreaterThan(fastest(wrong) * 0.4);
  });

  it('rotates the refresh token and ends the session when an old one is reused', async () => {
    const erin = await signUp(server, 'erin');
    const anon = httpClient(server);
    const first = erin.session.refreshToken!;
    const second = await anon.auth.refresh.mutate({ refreshToken: first });
    expect(second.refreshToken).not.toBe(first);
    expect(second.sessionId).toBe(erin.session.sessionId);
    erin.setToken(second.accessToken);
    expect((await erin.http.auth.me.query()).id).toBe(erin.user.id);

    const reuse = await rejection(anon.auth.refresh.mutate({ refreshToken: first }));
    expect(reuse.data?.code).toBe('UNAUTHORIZED');
    expect(reuse.message).toMatch(/used from somewhere else/);
    expect(
      (await rejection(anon.auth.refresh.mutate({ refreshToken: second.refreshToken! }))).data
        ?.code,
    ).toBe('UNAUTHORIZED');
    expect((await rejection(erin.http.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
  });

  it('refuses an unknown refresh token', async () => {
    const error = await rejection(
      httpClient(server).auth.refresh.mutate({ refreshToken: 'x'.repeat(43) }),
    );
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('refuses a tampered token', async () => {
    const frank = await signUp(server, 'frank');
    const [header, payload, signature] = frank.token().split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString(
      'base64url',
    );
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    for (const token of [`${header}.${forged}.${signature}`, `${none}.${payload}.`, 'garbage']) {
      const error = await rejection(httpClient(server, () => token).auth.me.query());
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
  });
});

describe('rate limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      overrides: {
        rateLimits: {
          loginPerAccountPer15Minutes: 3,
          signupPerIpPerHour: 2,
          loginPerIpPerMinute: 1000,
        },
      },
    });
  });
  afterAll(() => limited.destroy());

  it('limits login attempts per account with a retry-after', async () => {
    const anon = httpClient(limited);
    for (let i = 0; i < 3; i++) {
      expect(
        (await rejection(anon.auth.login.mutate({ login: 'target', password: 'wrong password' })))
          .data?.code,
      ).toBe('UNAUTHORIZED');
    }
    const limitedError = await rejection(
      anon.auth.login.mutate({ login: 'TARGET', password: 'wrong password' }),
    );
    expect(limitedError.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(limitedError.data?.retryAfterSeconds).toBeGreaterThan(0);
    expect(limitedError.message).toMatch(/Try again in \d+ s/);
    const raw = await fetch(`${limited.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { login: 'target', password: 'wrong password' } }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits sign-ups per IP', async () => {
    await signUp(limited, 'ok');
    await signUp(limited, 'ok');
    const error = await rejection(signUp(limited, 'over'));
    expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
  });
});
