import type { Bus } from '@parley/bus';
import type { Store } from '@parley/db';
import { SESSION_REVOKED_TOPIC } from '../events.ts';
import type { Presence } from './presence.ts';

/** The part of a WebSocket the services need: a way to end it. */
export interface LiveSocket {
  close(code: number, reason: string): void;
}

/** WebSocket close codes Parley uses; clients refresh their token on 4001 and sign in again on 4003. */
export const CLOSE_CODES = {
  tokenExpired: 4001,
  sessionRevoked: 4003,
  serverRestart: 1012,
} as const;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Ties every authenticated socket to its session: expiry and revocation end it, on every process. */
export function createConnections(deps: {
  bus: Bus;
  presence: Presence;
  now: () => Date;
  /** To recheck this process's sessions after the bus may have missed a revocation. */
  store?: Pick<Store, 'getSession'>;
  onError?: (error: unknown) => void;
}) {
  const bySession = new Map<string, Set<LiveSocket>>();

  function closeSession(sessionId: string) {
    const sockets = [...(bySession.get(sessionId) ?? [])];
    // After the current turn, so the answer to a logout sent over this very socket goes out first.
    setImmediate(() => {
      for (const socket of sockets) socket.close(CLOSE_CODES.sessionRevoked, 'session revoked');
    });
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

    /** Counts the socket for presence and closes it when its access token expires. Returns its release. */
    async register(opts: {
      userId: string;
      sessionId: string;
      accessTokenExpiresAt: Date;
      socket: LiveSocket;
    }): Promise<() => Promise<void>> {
      const { userId, sessionId, socket } = opts;
      let sockets = bySession.get(sessionId);
      if (!sockets) bySession.set(sessionId, (sockets = new Set()));
      sockets.add(socket);
      const lifetime = Math.min(
        MAX_TIMER_MS,
        opts.accessTokenExpiresAt.getTime() - deps.now().getTime(),
      );
      const expiry = setTimeout(
        () => socket.close(CLOSE_CODES.tokenExpired, 'access token expired'),
        lifetime,
      );
      await deps.presence.connected(userId);
      return async () => {
        clearTimeout(expiry);
        sockets.delete(socket);
        if (sockets.size === 0) bySession.delete(sessionId);
        await deps.presence.disconnected(userId);
      };
    },

    /**
     * Closes the session's sockets here at once and on every other process through the bus; if
     * the bus is down, the others find the revocation in the store when it comes back.
     */
    async revokeSession(sessionId: string): Promise<void> {
      closeSession(sessionId);
      await deps.bus
        .publish(SESSION_REVOKED_TOPIC, { sessionId })
        .catch((error: unknown) => deps.onError?.(error));
    },

    /** For shutdown: every socket of this process, with a code that tells clients to reconnect. */
    closeAll(code: number, reason: string): void {
      for (const sockets of bySession.values())
        for (const socket of sockets) socket.close(code, reason);
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;
