import { describe, expect, it, vi } from 'vitest';
import { createAuth } from './auth.ts';
import type { Me, Session } from '../lib/protocol.ts';

const user = { id: 'u1', username: 'ann', displayName: 'Ann' } as Me;

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

function session(expiresAt: number): Session {
  return { user, accessTokenExpiresAt: new Date(expiresAt) } as Session;
}

const unauthorized = () =>
  Object.assign(new Error('Sign in again.'), { data: { code: 'UNAUTHORIZED' } });

describe('auth', () => {
  it('does not call the server on a browser that never signed in', async () => {
    const api = { refresh: vi.fn(), me: vi.fn(), logout: vi.fn() };
    const auth = createAuth({ api, storage: memoryStorage() });
    await auth.boot();
    expect(auth.state.get()).toEqual({ status: 'signedOut', notice: null });
    expect(api.refresh).not.toHaveBeenCalled();
  });

  it('resumes a session after a reload by refreshing', async () => {
    let now = 1_000_000;
    const storage = memoryStorage();
    const api = {
      refresh: vi.fn(async () => session(now + 900_000)),
      me: vi.fn(),
      logout: vi.fn(),
    };
    const first = createAuth({ api, storage, now: () => now });
    first.accept(session(now + 900_000));
    now += 899_000; // the recorded token is about to expire
    const second = createAuth({ api, storage, now: () => now });
    await second.boot();
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(second.user).toEqual(user);
  });

  it('refreshes once for many callers, only when near expiry', async () => {
    let now = 0;
    const api = {
      refresh: vi.fn(async () => session(now + 900_000)),
      me: vi.fn(),
      logout: vi.fn(),
    };
    const auth = createAuth({ api, storage: memoryStorage(), now: () => now });
    auth.accept(session(900_000));
    await auth.ensureFresh();
    expect(api.refresh).not.toHaveBeenCalled();
    now = 870_000;
    await Promise.all([auth.ensureFresh(), auth.ensureFresh(), auth.refresh()]);
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  it('a refused refresh ends the session; a network error does not', async () => {
    const api = { refresh: vi.fn(), me: vi.fn(), logout: vi.fn() };
    const auth = createAuth({ api, storage: memoryStorage() });
    auth.accept(session(Date.now() + 900_000));
    api.refresh.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(auth.refresh()).rejects.toThrow();
    expect(auth.state.get().status).toBe('signedIn');
    api.refresh.mockRejectedValueOnce(unauthorized());
    await expect(auth.refresh()).rejects.toThrow();
    expect(auth.state.get()).toMatchObject({ status: 'signedOut' });
  });

  it('a sign-out in another tab is calm news here, not an error', () => {
    const storage = memoryStorage();
    const api = { refresh: vi.fn(), me: vi.fn(), logout: vi.fn() };
    const auth = createAuth({ api, storage });
    auth.accept(session(Date.now() + 900_000));
    auth.sharedChanged('parley.other', null);
    expect(auth.state.get().status).toBe('signedIn');
    auth.sharedChanged('parley.session', null);
    expect(auth.state.get()).toEqual({
      status: 'signedOut',
      notice: { text: 'You signed out in another tab.', tone: 'info' },
    });
  });
});
