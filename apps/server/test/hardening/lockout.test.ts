/**
 * Targeted lockout: strangers guessing an account's password from many addresses must not lock
 * its owner out. Failures count per account (whichever of its names is typed), per address, and
 * in all from addresses the account was never signed in from (see SECURITY.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, rejection, signUp, startTestServer, type TestServer } from '../harness.ts';

const PER_ADDRESS = 3;
const PER_ACCOUNT = 5;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    // Behind a proxy: X-Forwarded-For names the client, so the test can be many clients.
    env: { LOG_LEVEL: 'error', TRUST_PROXY: 'true' },
    overrides: {
      rateLimits: {
        loginPerAccountPer15Minutes: PER_ADDRESS,
        loginFailuresPerAccountPerHour: PER_ACCOUNT,
        loginPerIpPerMinute: 10_000,
        signupPerIpPerHour: 10_000,
      },
    },
  });
});
afterAll(() => s.destroy());

/** A client at an address (none: the owner's, where it signed up). */
const from = (ip?: string) => httpClient(s, undefined, ip ? { 'x-forwarded-for': ip } : {});

/** 'ok', or the code of the refusal. */
function attempt(ip: string | undefined, login: string, password: string) {
  return from(ip)
    .auth.login.mutate({ login, password })
    .then(
      () => 'ok',
      (error: { data?: { code?: string } }) => error.data?.code,
    );
}

describe('sign-in limits', () => {
  it(`refuses an address after ${PER_ADDRESS} failures for the account; the owner elsewhere is not affected`, async () => {
    const alice = await signUp(s, 'lock_alice');
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await attempt('203.0.113.1', alice.username, 'not the password')).toBe('UNAUTHORIZED');
    const refused = await rejection(
      from('203.0.113.1').auth.login.mutate({ login: alice.username, password: alice.password }),
    );
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(
      /^Too many failed sign-ins to this account from your network\. Try again in \d+ s\.$/,
    );
    expect(refused.data?.retryAfterSeconds).toBeGreaterThan(0);
    expect(await attempt(undefined, alice.username, alice.password)).toBe('ok');
  });

  it('counts the username and the email of an account together', async () => {
    const bob = await signUp(s, 'lock_bob');
    const email = `${bob.username}@example.com`;
    expect(await attempt('203.0.113.2', bob.username, 'wrong one')).toBe('UNAUTHORIZED');
    expect(await attempt('203.0.113.2', email, 'wrong two')).toBe('UNAUTHORIZED');
    expect(await attempt('203.0.113.2', email.toUpperCase(), 'wrong three')).toBe('UNAUTHORIZED');
    expect(await attempt('203.0.113.2', bob.username, bob.password)).toBe('TOO_MANY_REQUESTS');
  });

  it(`after ${PER_ACCOUNT} failures from strangers' addresses, only addresses the owner used may try`, async () => {
    const carol = await signUp(s, 'lock_carol');
    // The owner also signed in once from another address of hers.
    expect(await attempt('198.51.100.7', carol.username, carol.password)).toBe('ok');
    for (let i = 0; i < PER_ACCOUNT; i++)
      expect(await attempt(`192.0.2.${i + 1}`, carol.username, 'guess')).toBe('UNAUTHORIZED');
    // A new stranger is refused before the password is even checked, even a right one.
    expect(await attempt('192.0.2.200', carol.username, carol.password)).toBe('TOO_MANY_REQUESTS');
    // The owner, from where she signed up and from where she signed in, is not locked out.
    expect(await attempt(undefined, carol.username, carol.password)).toBe('ok');
    expect(await attempt('198.51.100.7', carol.username, carol.password)).toBe('ok');
    // ...and her addresses keep their own budget against guessing.
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await attempt('198.51.100.7', carol.username, 'guess')).toBe('UNAUTHORIZED');
    expect(await attempt('198.51.100.7', carol.username, carol.password)).toBe('TOO_MANY_REQUESTS');
  });

  it('limits an unknown name the same way, so the answers do not tell whether it exists', async () => {
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await attempt('203.0.113.9', 'nobody_here', 'guess')).toBe('UNAUTHORIZED');
    expect(await attempt('203.0.113.9', 'nobody_here', 'guess')).toBe('TOO_MANY_REQUESTS');
  });
});
