import type { IncomingMessage } from 'node:http';
import { appRouter, CLOSE_CODES, LIMIT_CLOSE_CODES, type Services } from '@parley/api';
import {
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type TRPC_ERROR_CODE_KEY,
} from '@trpc/server';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';

/** Connection limits of one process; `startServer(config, { limits })` and the environment change them. */
export interface ConnectionLimits {
  /** Open WebSockets of one account. */
  maxConnectionsPerUser: number;
  /** Open WebSockets from one IP address (behind a proxy, set TRUST_PROXY so this is the client's). */
  maxConnectionsPerIp: number;
  /** Bytes a socket may have waiting to be sent before it is closed as a slow consumer. */
  slowConsumerBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnectionsPerUser: 20,
  maxConnectionsPerIp: 200,
  slowConsumerBytes: 4 * 1024 * 1024,
};

const kib = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;

/** A tRPC error response in the router's own shape (readable message, typed code), superjson-encoded. */
export function trpcErrorBody(code: TRPC_ERROR_CODE_KEY, message: string, path?: string) {
  const error = new TRPCError({ code, message });
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path,
    input: undefined,
    ctx: undefined,
  });
  return transformTRPCResponse(appRouter._def._config, { id: null, error: shape });
}

/** Readable messages for the errors Fastify raises before a route runs (body too large, bad content type, ...). */
function describe(
  error: FastifyError,
  bodyLimit: number,
): { status: number; code: TRPC_ERROR_CODE_KEY; message: string } {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is larger than ${kib(bodyLimit)}.`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the request body as application/json.',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' };
  }
  if (status >= 500)
    return { status, code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side.' };
  if (status === 404) return { status, code: 'NOT_FOUND', message: error.message };
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: error.message };
  if (status === 429) return { status, code: 'TOO_MANY_REQUESTS', message: error.message };
  return { status, code: 'BAD_REQUEST', message: error.message };
}

/**
 * Limits of the transport: readable errors (tRPC-shaped under /trpc) for what Fastify refuses,
 * WebSocket connections per IP and per user, slow consumers, and no new sockets while draining.
 */
export function limitsPlugin(
  app: FastifyInstance,
  opts: { services: Services; limits: ConnectionLimits; bodyLimit: number },
) {
  const { limits, services } = opts;

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const { status, code, message } = describe(error, opts.bodyLimit);
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    else req.log.debug({ err: error }, 'request refused');
    if (req.url.startsWith('/trpc')) {
      const path = req.url.slice('/trpc/'.length).split('?')[0];
      return reply.code(status).send(trpcErrorBody(code, message, path || undefined));
    }
    return reply.code(status).send({ error: code, message });
  });

  // Closing waits for every HTTP connection, and a keep-alive connection that was busy when the
  // close began stays open (idle) until its keep-alive timeout: sweep idle ones until closed.
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
  });
  app.addHook('onClose', async () => clearInterval(sweeper));
  // While draining, every answer ends its connection, so keep-alive clients reconnect elsewhere.
  app.addHook('onSend', async (_req, reply) => {
    if (services.inflight.draining) reply.header('connection', 'close');
  });

  const ipOf = new WeakMap<IncomingMessage, string>();
  app.addHook('onRequest', async (req) => {
    if (req.headers.upgrade) ipOf.set(req.raw, req.ip);
  });

  const perIp = new Map<string, number>();
  const perUser = new Map<string, number>();
  const refused = new WeakSet<WebSocket>();

  function count(map: Map<string, number>, key: string, delta: number) {
    const next = (map.get(key) ?? 0) + delta;
    if (next > 0) map.set(key, next);
    else map.delete(key);
  }

  /** Sends a typed tRPC error the socket's owner can read, then closes with `code` and a readable reason. */
  function refuse(socket: WebSocket, code: number, trpcCode: TRPC_ERROR_CODE_KEY, message: string) {
    refused.add(socket);
    if (socket.readyState === socket.OPEN)
      socket.send(JSON.stringify(trpcErrorBody(trpcCode, message)));
    // A close reason is at most 123 bytes.
    socket.close(code, message.slice(0, 120));
  }

  app.websocketServer.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    if (services.inflight.draining) {
      refuse(
        socket,
        CLOSE_CODES.serverRestart,
        'SERVICE_UNAVAILABLE',
        'The server is restarting. Reconnect in a moment.',
      );
      return;
    }
    const ip = ipOf.get(req) ?? req.socket.remoteAddress ?? 'unknown';
    if ((perIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp) {
      refuse(
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

  return {
    /** Whether this socket was refused at connection (its context must not be built). */
    wasRefused: (socket: WebSocket) => refused.has(socket),
    clientIp: (req: IncomingMessage) => ipOf.get(req) ?? req.socket.remoteAddress ?? 'unknown',
    /**
     * Counts an authenticated socket against its user's limit; returns the refusal message (and
     * closes the socket after the error reply) when the user has too many.
     */
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
    counts: () => ({ perIp: new Map(perIp), perUser: new Map(perUser) }),
  };
}

export type Limits = ReturnType<typeof limitsPlugin>;

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

/** @fastify/websocket's error handler: a client's protocol error (bad frame, too big) is its problem, not ours. */
export function websocketErrorHandler(error: Error, socket: WebSocket, req: FastifyRequest) {
  const clientFault =
    error instanceof RangeError || (error as { code?: string }).code?.startsWith('WS_ERR_');
  if (clientFault) req.log.debug({ err: error }, 'websocket protocol error');
  else req.log.warn({ err: error }, 'websocket error');
  // ws already started the close handshake with the right code (e.g. 1009); destroy only if it did not.
  if (socket.readyState === socket.OPEN) socket.terminate();
}

/** Calls in one HTTP batch request; a client batching more gets BAD_REQUEST (set httpBatchLink's maxItems). */
export const MAX_BATCH_SIZE = 50;

/**
 * The graceful part of a shutdown: new calls and sockets are refused, running calls answer, then
 * every socket is closed with 1012 (clients reconnect and resume) and its bookkeeping (presence,
 * last seen) is written before the caller closes the store.
 */
export async function drainConnections(
  app: FastifyInstance,
  services: Services,
  timeoutMs = 10_000,
): Promise<void> {
  services.inflight.drain();
  await services.inflight.idle(timeoutMs);
  // A call counts as done when its procedure returns; its answer is written a few ticks later.
  await new Promise((resolve) => setImmediate(resolve));
  const sockets = [...app.websocketServer.clients];
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          const timer = setTimeout(() => socket.terminate(), timeoutMs / 2);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close(CLOSE_CODES.serverRestart, 'server restarting');
        }),
    ),
  );
  await services.inflight.idle(timeoutMs);
}
