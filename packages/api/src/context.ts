import type { Authenticated, ClientInfo } from './services/auth.ts';
import type { SocketSession } from './services/connections.ts';
import type { Services } from './services/index.ts';

/** Cookie operations, present on HTTP requests only. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, opts: { maxAgeSeconds: number; path: string }): void;
  clear(name: string, opts: { path: string }): void;
}

/**
 * What every procedure sees. Built by the host (apps/server) for each HTTP request and once
 * per WebSocket connection. The host also refuses cookie-authenticated HTTP writes without the
 * CSRF header before a procedure runs.
 */
export interface Context {
  services: Services;
  client: ClientInfo;
  /** Set when the caller presented a valid access token. */
  auth: Authenticated | null;
  /** Why a presented token was refused, reported by protected procedures. */
  authError: string | null;
  /** HTTP only. */
  cookies: CookieJar | null;
  /** A browser caller (it sent the CSRF header): tokens go in httpOnly cookies, not in the body. */
  browser: boolean;
  /**
   * A signed-in WebSocket's (or event stream's) tie to its session: once it has ended, the
   * connection serves no call.
   */
  socketSession: SocketSession | null;
  /**
   * `'http'`: one request, queries and mutations. `'sse'`: an HTTP request for one subscription,
   * answered as Server-Sent Events, which the host has counted against its connection limits.
   * `'ws'`: a WebSocket.
   */
  transport: 'http' | 'sse' | 'ws';
}

/** Reads the access token and resolves the caller; a bad token leaves `auth` null with the reason. */
export async function authenticate(
  services: Services,
  token: string | undefined,
): Promise<{ auth: Authenticated | null; authError: string | null }> {
  if (!token) return { auth: null, authError: null };
  try {
    return { auth: await services.auth.authenticate(token), authError: null };
  } catch (error) {
    return { auth: null, authError: error instanceof Error ? error.message : 'Sign in again.' };
  }
}
