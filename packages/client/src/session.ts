import type { AppRouter } from './router.ts';
import type { TRPCClient } from '@trpc/client';

/** What the client keeps of a session. Persist it (e.g. to a file) to skip logging in next time. */
export interface StoredSession {
  userId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string | null;
}

type SessionResponse = Awaited<ReturnType<TRPCClient<AppRouter>['auth']['login']['mutate']>>;

/** Refresh a minute before the access token expires, or at half its life if it is shorter. */
const REFRESH_MARGIN_MS = 60_000;

function needsRefresh(session: StoredSession, receivedAt: number): boolean {
  const expires = session.accessTokenExpiresAt.getTime();
  const margin = Math.min(REFRESH_MARGIN_MS, (expires - receivedAt) / 2);
  return expires - Date.now() <= margin;
}

/**
 * Holds the tokens and hands out a fresh access token: refreshes shortly before expiry (once,
 * however many callers wait), and signs in again with credentials when the session ended.
 */
export function createSessionKeeper(opts: {
  /** A client that sends no credentials: used for login and refresh. */
  anonymous: () => TRPCClient<AppRouter>;
  credentials?: { login: string; password: string } | undefined;
  initial?: StoredSession | undefined;
  onChange?: ((session: StoredSession | null) => void) | undefined;
}) {
  let session: StoredSession | null = opts.initial ?? null;
  let receivedAt = Date.now();
  let pending: Promise<StoredSession | null> | null = null;
  /** The server refused the access token (revoked, or its socket closed 4001/4003): renew. */
  let refused = false;

  function keep(response: SessionResponse): StoredSession {
    session = {
      userId: response.user.id,
      accessToken: response.accessToken,
      accessTokenExpiresAt: response.accessTokenExpiresAt,
      refreshToken: response.refreshToken,
    };
    receivedAt = Date.now();
    refused = false;
    opts.onChange?.(session);
    return session;
  }

  async function renew(): Promise<StoredSession | null> {
    if (session?.refreshToken) {
      try {
        return keep(
          await opts.anonymous().auth.refresh.mutate({ refreshToken: session.refreshToken }),
        );
      } catch {
        // The refresh token is spent or revoked: fall through to the credentials, if any.
      }
    }
    session = null;
    opts.onChange?.(null);
    if (!opts.credentials) return null;
    return keep(await opts.anonymous().auth.login.mutate(opts.credentials));
  }

  return {
    get current() {
      return session;
    },
    keep,
    /** An access token valid for at least a minute, or undefined when signed out. */
    async accessToken(): Promise<string | undefined> {
      if (session && !refused && !needsRefresh(session, receivedAt)) return session.accessToken;
      pending ??= renew().finally(() => (pending = null));
      return (await pending)?.accessToken;
    },
    /** The server refused the current access token: the next `accessToken()` renews it. */
    expire() {
      refused = true;
    },
    /** Forgets the tokens (after logout or a revoked session). */
    clear() {
      session = null;
      opts.onChange?.(null);
    },
  };
}

export type SessionKeeper = ReturnType<typeof createSessionKeeper>;
