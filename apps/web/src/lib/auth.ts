/**
 * The browser session. Tokens live in httpOnly cookies; this only knows when the access token
 * expires, refreshes it a little before, and shares that across tabs so they do not race to
 * rotate the same refresh token (a reuse would revoke the session).
 */
import { errorInfo } from './errors.ts';
import type { Me, Session } from './protocol.ts';
import { createStore } from './store.ts';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signedOut'; reason: string | null }
  | { status: 'signedIn'; user: Me; expiresAt: number };

export interface AuthApi {
  refresh(): Promise<Session>;
  me(): Promise<Me>;
  logout(): Promise<unknown>;
}

interface Locks {
  request<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

const SHARED_KEY = 'parley.session';
/** Refresh this long before expiry (or a quarter of the lifetime, if shorter). */
const MAX_MARGIN_MS = 60_000;

export function createAuth(deps: {
  api: AuthApi;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  locks?: Locks | null;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const state = createStore<AuthState>({ status: 'loading' });
  let margin = MAX_MARGIN_MS;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<void> | null = null;

  const withLock = <T>(fn: () => Promise<T>) =>
    deps.locks ? deps.locks.request('parley-refresh', fn) : fn();

  /** The access-token expiry the last tab to refresh recorded; null when signed out. */
  function shared(): number | null {
    try {
      const v = Number(JSON.parse(deps.storage?.getItem(SHARED_KEY) ?? 'null')?.expiresAt);
      return Number.isFinite(v) && v >= 0 ? v : null;
    } catch {
      return null;
    }
  }

  function schedule(expiresAt: number) {
    if (timer) clearTimeout(timer);
    const delay = Math.max(1000, expiresAt - margin - now());
    timer = setTimeout(
      () => void refresh().catch(() => retryLater()),
      Math.min(delay, 2 ** 31 - 1),
    );
  }

  function retryLater() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh().catch(() => retryLater()), 10_000);
  }

  function signedIn(user: Me, expiresAt: number) {
    state.set({ status: 'signedIn', user, expiresAt });
    deps.storage?.setItem(SHARED_KEY, JSON.stringify({ expiresAt }));
    schedule(expiresAt);
  }

  function accept(session: Session) {
    const expiresAt = new Date(session.accessTokenExpiresAt).getTime();
    margin = Math.min(MAX_MARGIN_MS, Math.max(1000, (expiresAt - now()) / 4));
    signedIn(session.user, expiresAt);
  }

  function signOut(reason: string | null) {
    if (timer) clearTimeout(timer);
    timer = null;
    deps.storage?.removeItem(SHARED_KEY);
    state.set({ status: 'signedOut', reason });
  }

  /** A refused refresh ends the session; a network failure leaves it to be tried again. */
  function refused(error: unknown): boolean {
    const code = errorInfo(error).code;
    return code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'NOT_FOUND';
  }

  /** Rotates the tokens (once at a time, across tabs). */
  function refresh(): Promise<void> {
    inflight ??= withLock(async () => {
      const current = state.get();
      const known = current.status === 'signedIn' ? current.expiresAt : 0;
      const other = shared();
      if (current.status === 'signedIn' && other && other > known && other - now() > margin) {
        // Another tab rotated while we waited for the lock: the cookies are already fresh.
        signedIn(current.user, other);
        return;
      }
      try {
        accept(await deps.api.refresh());
      } catch (error) {
        if (refused(error))
          signOut(
            current.status === 'signedIn' ? 'Your session ended. Please sign in again.' : null,
          );
        throw error;
      }
    }).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    state,
    get user(): Me | null {
      const s = state.get();
      return s.status === 'signedIn' ? s.user : null;
    },

    /** On page load: a fresh token another tab just got is reused; otherwise rotate. */
    async boot(): Promise<void> {
      const other = shared();
      // Never signed in on this browser (or signed out since): no session to resume.
      if (other === null && deps.storage) return signOut(null);
      if (other && other - now() > margin * 2) {
        try {
          signedIn(await deps.api.me(), other);
          return;
        } catch {
          // Fall through to a refresh.
        }
      }
      try {
        await refresh();
      } catch (error) {
        signOut(refused(error) ? null : errorInfo(error).message);
      }
    },

    accept,
    refresh,

    /** Before a request or a socket (re)connect: refresh first when the token is about to expire. */
    async ensureFresh(): Promise<void> {
      const s = state.get();
      if (s.status !== 'signedIn') return;
      if (s.expiresAt - now() > margin) return;
      await refresh();
    },

    updateUser(user: Me) {
      const s = state.get();
      if (s.status === 'signedIn') state.set({ ...s, user });
    },

    signOut,

    async logout(): Promise<void> {
      try {
        await deps.api.logout();
      } finally {
        signOut(null);
      }
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
