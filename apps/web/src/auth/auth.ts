/**
 * The browser session. Tokens live in httpOnly cookies; this only knows when the access token
 * expires, refreshes it a little before, and shares that across tabs so they do not race to
 * rotate the same refresh token (a reuse would revoke the session).
 */
import { errorInfo } from '../lib/errors.ts';
import type { Me, Session } from '../lib/protocol.ts';
import { createStore } from '../lib/store.ts';
import { SHARED_KEY } from './shared-session.ts';

/** Why the sign-in screen shows: a session that ended is news, a failure to reach us is an error. */
export interface Notice {
  text: string;
  tone: 'info' | 'error';
}

export type AuthState =
  | { status: 'loading' }
  | { status: 'signedOut'; notice: Notice | null }
  | { status: 'signedIn'; user: Me; expiresAt: number };

export interface AuthApi {
  refresh(): Promise<Session>;
  me(): Promise<Me>;
  logout(): Promise<unknown>;
}

interface Locks {
  request<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

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

  function signOut(notice: Notice | null) {
    if (timer) clearTimeout(timer);
    timer = null;
    deps.storage?.removeItem(SHARED_KEY);
    state.set({ status: 'signedOut', notice });
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
            current.status === 'signedIn'
              ? { text: 'Your session ended. Please sign in again.', tone: 'info' }
              : null,
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
        signOut(refused(error) ? null : { text: errorInfo(error).message, tone: 'error' });
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

    /**
     * Another tab signed out (or its session ended): the shared record is gone. Call with the
     * `storage` event's key and new value.
     */
    sharedChanged(key: string | null, newValue: string | null) {
      if (
        (key === SHARED_KEY || key === null) &&
        newValue === null &&
        state.get().status === 'signedIn'
      )
        signOut({ text: 'You signed out in another tab.', tone: 'info' });
    },

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
