import type { Bus } from '@parley/bus';
import type { Store } from '@parley/db';
import { SESSION_REVOKED_TOPIC } from '../events.ts';
import { CLOSE_CODES } from '../protocol.ts';
import type { Presence } from './presence.ts';

/** The part of a WebSocket the services need: ways to end it. */
export interface LiveSocket {
  close(code: number, reason: string): void;
  /** Destroys the connection without waiting for the client's closing handshake. */
  terminate(): void;
}

/** A socket's tie to its session, as the router sees it. */
export interface SocketSession {
  /** Why the socket may no longer be used (revoked session, expired token); null while it may. */
  readonly ended: string | null;
}

/**
 * How long a client has to answer the closing handshake of a socket whose session ended before
 * the connection is destroyed. Calls that arrive meanwhile are refused (see `ended`).
 */
export const ENDED_SOCKET_GRACE_MS = 1000;

/** What a call over a socket whose session ended is told (UNAUTHORIZED). */
export const SOCKET_ENDED = {
  sessionRevoked: 'Your session has ended. Sign in again.',
  tokenExpired: 'Your access token expired: reconnect with a fresh one.',
} as const;

const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * How long a revocation is remembered: a socket authenticated just before it may register just
 * after it, and must be ended too.
 */
const REVOCATION_MEMORY_MS = 60_000;

interface Tie extends SocketSession {
  ended: string | null;
  socket: LiveSocket;
  timers: NodeJS.Timeout[];
}

/** Ties every authenticated socket to its session: expiry and revocation end it, on every process. */
export function createConnections(deps: {
  bus: Bus;
  presence: Presence;
  now: () => Date;
  /** To recheck this process's sessions after the bus may have missed a revocation. */
  store?: Pick<Store, 'getSession'>;
  onError?: (error: unknown) => void;
}) {
  const bySession = new Map<string, Set<Tie>>();
  const revokedLately = new Set<string>();

  /**
   * From now on the socket serves nothing (the router checks `ended` before every call); it is
   * closed after the current turn, so that the answer to a logout sent over it goes out first,
   * and destroyed if the client does not finish the closing handshake in time.
   */
  function end(tie: Tie, code: number, reason: string, message: string) {
    if (tie.ended) return;
    tie.ended = message;
    setImmediate(() => {
      tie.socket.close(code, reason);
      tie.timers.push(setTimeout(() => tie.socket.terminate(), ENDED_SOCKET_GRACE_MS).unref());
    });
  }

  const endRevoked = (tie: Tie) =>
    end(tie, CLOSE_CODES.sessionRevoked, 'session revoked', SOCKET_ENDED.sessionRevoked);

  function closeSession(sessionId: string) {
    if (!revokedLately.has(sessionId)) {
      revokedLately.add(sessionId);
      setTimeout(() => revokedLately.delete(sessionId), REVOCATION_MEMORY_MS).unref();
    }
    for (const tie of bySession.get(sessionId) ?? []) endRevoked(tie);
  }

  /** A revocation published while this process's bus was disconnected is only in the store. */
  async function recheckSessions(store: Pick<Store, 'getSession'>) {
    for (const sessionId of [...bySession.keys()]) {
      const session = await store.getSession(sessionId);
      if (!session || session.revokedAt) closeSession(sessionId);
    }
  }

  return {
    async start(): Promise<void> {
      await deps.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => {
        closeSession((message as { sessionId: string }).sessionId);
      });
      const { store, onError } = deps;
      if (store)
        deps.bus.onResync?.(
          () => void recheckSessions(store).catch((error: unknown) => onError?.(error)),
        );
    },

    /**
     * Counts the socket for presence and ends it when its access token expires. Returns the tie
     * the router checks before each call, and the release to call when the socket has closed.
     */
    async register(opts: {
      userId: string;
      sessionId: string;
      accessTokenExpiresAt: Date;
      socket: LiveSocket;
    }): Promise<{ session: SocketSession; release: () => Promise<void> }> {
      const { userId, sessionId, socket } = opts;
      let ties = bySession.get(sessionId);
      if (!ties) bySession.set(sessionId, (ties = new Set()));
      const tie: Tie = { ended: null, socket, timers: [] };
      ties.add(tie);
      const lifetime = Math.min(
        MAX_TIMER_MS,
        opts.accessTokenExpiresAt.getTime() - deps.now().getTime(),
      );
      tie.timers.push(
        setTimeout(
          () =>
            end(tie, CLOSE_CODES.tokenExpired, 'access token expired', SOCKET_ENDED.tokenExpired),
          lifetime,
        ),
      );
      if (revokedLately.has(sessionId)) endRevoked(tie);
      await deps.presence.connected(userId);
      return {
        session: tie,
        release: async () => {
          for (const timer of tie.timers) clearTimeout(timer);
          ties.delete(tie);
          if (ties.size === 0) bySession.delete(sessionId);
          await deps.presence.disconnected(userId);
        },
      };
    },

    /**
     * Ends the session's sockets here at once and on every other process through the bus; if
     * the bus is down, the others find the revocation in the store when it comes back.
     */
    async revokeSession(sessionId: string): Promise<void> {
      closeSession(sessionId);
      await deps.bus
        .publish(SESSION_REVOKED_TOPIC, { sessionId })
        .catch((error: unknown) => deps.onError?.(error));
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;
