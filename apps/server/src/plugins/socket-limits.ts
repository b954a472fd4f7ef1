import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMIT_CLOSE_CODES } from '@parley/api';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import fp from 'fastify-plugin';
import type { WebSocket, WebSocketServer } from 'ws';
import { trpcErrorBody } from './errors.ts';

/** Connection limits of one process; the environment changes them (see config.ts). */
export interface ConnectionLimits {
  /** Open WebSockets of one account. */
  maxConnectionsPerUser: number;
  /** Open WebSockets from one IP address (behind a proxy, set TRUST_PROXY so this is the client's). */
  maxConnectionsPerIp: number;
  /** Bytes a socket may have waiting to be sent before it is closed as a slow consumer. */
  slowConsumerBytes: number;
  /**
   * Every socket is pinged this often (a WebSocket ping, which every client answers by itself);
   * one that has not answered by the next ping is terminated.
   */
  pingIntervalMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnectionsPerUser: 20,
  maxConnectionsPerIp: 200,
  slowConsumerBytes: 4 * 1024 * 1024,
  pingIntervalMs: 30_000,
};

declare module 'fastify' {
  interface FastifyInstance {
    socketLimits: {
      /** The client address of a WebSocket's upgrade request (Fastify's `req.ip`, proxy-aware). */
      ipOf(req: IncomingMessage): string;
      /** Whether this socket was refused at connection (its context must not be built). */
      wasRefused(socket: WebSocket): boolean;
      /**
       * Counts an authenticated socket against its user's limit; returns the refusal message (and
       * closes the socket after the error reply) when the user has too many.
       */
      admitUser(userId: string, socket: WebSocket): string | null;
      /**
       * Counts a signed-in event stream (an HTTP subscription answered as Server-Sent Events)
       * against its address's and its user's limits, the same limits as sockets, until its
       * response closes, and cuts it if its reader stops reading; returns the refusal message
       * when either has too many.
       */
      admitStream(ip: string, userId: string, response: ServerResponse): string | null;
    };
  }
}

const refused = new WeakSet<WebSocket>();

/** Sends a typed tRPC error the socket's owner can read, then closes with `code` and a readable reason. */
export function refuseSocket(
  socket: WebSocket,
  code: number,
  trpcCode: TRPC_ERROR_CODE_KEY,
  message: string,
) {
  refused.add(socket);
  if (socket.readyState === socket.OPEN)
    socket.send(JSON.stringify(trpcErrorBody(trpcCode, message)));
  // A close reason is at most 123 bytes.
  socket.close(code, message.slice(0, 120));
}

function count(map: Map<string, number>, key: string, delta: number) {
  const next = (map.get(key) ?? 0) + delta;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

/**
 * A client that stops reading would make every message pile up in this process. Before each send
 * the socket's backlog is checked: past the limit the socket is closed with 4008 (reconnect and
 * resume by lastEventId) and nothing more is queued for it.
 */
function guardSlowConsumer(socket: WebSocket, maxBytes: number) {
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  let shed = false;
  socket.send = ((...args: unknown[]) => {
    if (shed) return;
    if (socket.readyState === socket.OPEN && socket.bufferedAmount > maxBytes) {
      shed = true;
      socket.close(LIMIT_CLOSE_CODES.slowConsumer, 'too slow: reconnect and resume');
      return;
    }
    send(...args);
  }) as WebSocket['send'];
}

/**
 * An event stream's reader that stops reading makes the server hold its events (the stream waits
 * for the connection to drain): a stream whose connection still needs draining at two checks in a
 * row, one keep-alive interval apart, is cut; its client reconnects and resumes by lastEventId.
 */
function guardStalledStream(response: ServerResponse, intervalMs: number) {
  let stalled = 0;
  const timer = setInterval(() => {
    stalled = response.writableNeedDrain ? stalled + 1 : 0;
    if (stalled >= 2) response.destroy();
  }, intervalMs);
  response.once('close', () => clearInterval(timer));
}

/**
 * Half-open sockets (a peer gone without a close, a client that stopped reading) would keep
 * their users online and use up the limits: one timer pings every socket, and terminates those
 * that did not answer the previous ping. Returns the stop.
 */
function keepAlive(wss: WebSocketServer, intervalMs: number): () => void {
  const awaitingPong = new WeakSet<WebSocket>();
  wss.on('connection', (socket: WebSocket) => {
    socket.on('pong', () => awaitingPong.delete(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaitingPong.has(socket)) socket.terminate();
      else if (socket.readyState === socket.OPEN) {
        awaitingPong.add(socket);
        socket.ping();
      }
    }
  }, intervalMs);
  return () => clearInterval(timer);
}

/**
 * WebSockets (and event streams, which count the same) per IP address and per user, slow
 * consumers, and keep-alive pings.
 */
export const socketLimitsPlugin = fp(
  async (app, opts: { limits: ConnectionLimits }) => {
    const { limits } = opts;
    const perIp = new Map<string, number>();
    const perUser = new Map<string, number>();
    const ipOfRequest = new WeakMap<IncomingMessage, string>();
    const ipOf = (req: IncomingMessage) =>
      ipOfRequest.get(req) ?? req.socket.remoteAddress ?? 'unknown';

    app.addHook('onRequest', async (req) => {
      if (req.headers.upgrade) ipOfRequest.set(req.raw, req.ip);
    });

    const stopPings = keepAlive(app.websocketServer, limits.pingIntervalMs);
    app.addHook('onClose', async () => stopPings());

    app.websocketServer.on('connection', (socket: WebSocket, req: IncomingMessage) => {
      const ip = ipOf(req);
      if ((perIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp) {
        refuseSocket(
          socket,
          LIMIT_CLOSE_CODES.tooManyConnections,
          'TOO_MANY_REQUESTS',
          `Too many connections from your address (at most ${limits.maxConnectionsPerIp}). Close some and retry.`,
        );
        return;
      }
      count(perIp, ip, 1);
      socket.once('close', () => count(perIp, ip, -1));
      guardSlowConsumer(socket, limits.slowConsumerBytes);
    });

    app.decorate('socketLimits', {
      ipOf,
      wasRefused: (socket: WebSocket) => refused.has(socket),
      admitUser(userId: string, socket: WebSocket): string | null {
        if ((perUser.get(userId) ?? 0) >= limits.maxConnectionsPerUser) {
          const message = `Too many connections for your account (at most ${limits.maxConnectionsPerUser}). Close a tab or app and retry.`;
          refused.add(socket);
          // After the error reply that the adapter sends for the refused context.
          setImmediate(() =>
            socket.close(LIMIT_CLOSE_CODES.tooManyConnections, message.slice(0, 120)),
          );
          return message;
        }
        if (socket.readyState === socket.CLOSED) return null;
        count(perUser, userId, 1);
        socket.once('close', () => count(perUser, userId, -1));
        return null;
      },
      admitStream(ip: string, userId: string, response: ServerResponse): string | null {
        if ((perIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp)
          return `Too many connections from your address (at most ${limits.maxConnectionsPerIp}). Close some and retry.`;
        if ((perUser.get(userId) ?? 0) >= limits.maxConnectionsPerUser)
          return `Too many connections for your account (at most ${limits.maxConnectionsPerUser}). Close a tab or app and retry.`;
        if (response.destroyed) return null;
        count(perIp, ip, 1);
        count(perUser, userId, 1);
        response.once('close', () => {
          count(perIp, ip, -1);
          count(perUser, userId, -1);
        });
        guardStalledStream(response, limits.pingIntervalMs);
        return null;
      },
    });
  },
  { name: 'parley-socket-limits', dependencies: ['@fastify/websocket'] },
);
