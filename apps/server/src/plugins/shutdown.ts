import { CLOSE_CODES, RESTARTING_MESSAGE, type Services } from '@parley/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { refuseSocket } from './socket-limits.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The graceful part of a shutdown: new calls and sockets are refused, running calls answer,
     * then every socket is closed with 1012 (clients reconnect and resume) and its bookkeeping
     * (presence, last seen) is written before the caller closes the store. Event streams end
     * first.
     */
    drain(timeoutMs?: number): Promise<void>;
    /** A route hook: while draining, answer 503 and take no new work. */
    refuseWhileDraining(req: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  }
}

async function drainConnections(app: FastifyInstance, services: Services, timeoutMs: number) {
  services.inflight.drain();
  await services.inflight.idle(timeoutMs);
  // A call counts as done when its procedure returns; its answer is written a few ticks later.
  await new Promise((resolve) => setImmediate(resolve));
  // Event streams end at once: their clients reconnect (elsewhere) and resume by lastEventId.
  app.eventStreams.endAll();
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

/**
 * SIGTERM drains (`app.drain()`): no new sockets or work while draining (tRPC calls are refused
 * by the router itself, with the same message), every HTTP answer ends its connection so that
 * keep-alive clients go elsewhere, and idle connections are closed until the server is.
 */
export const shutdownPlugin = fp(
  async (app, opts: { services: Services }) => {
    const { inflight } = opts.services;

    app.decorate('drain', (timeoutMs = 10_000) => drainConnections(app, opts.services, timeoutMs));
    app.decorate('refuseWhileDraining', async (_req: FastifyRequest, reply: FastifyReply) => {
      if (inflight.draining) return reply.refuse('SERVICE_UNAVAILABLE', RESTARTING_MESSAGE);
    });

    app.websocketServer.on('connection', (socket: WebSocket) => {
      if (inflight.draining && !app.socketLimits.wasRefused(socket)) {
        refuseSocket(socket, CLOSE_CODES.serverRestart, 'SERVICE_UNAVAILABLE', RESTARTING_MESSAGE);
      }
    });

    app.addHook('onSend', async (_req, reply) => {
      if (inflight.draining) reply.header('connection', 'close');
    });
    // Closing waits for every HTTP connection, and a keep-alive connection that was busy when the
    // close began stays open (idle) until its keep-alive timeout: sweep idle ones until closed.
    let sweeper: NodeJS.Timeout | undefined;
    app.addHook('preClose', async () => {
      sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    });
    app.addHook('onClose', async () => clearInterval(sweeper));
  },
  {
    name: 'parley-shutdown',
    dependencies: [
      '@fastify/websocket',
      'parley-errors',
      'parley-socket-limits',
      'parley-event-streams',
    ],
  },
);
