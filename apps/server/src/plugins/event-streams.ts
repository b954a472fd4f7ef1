import { RESTARTING_MESSAGE, type Context, type Services } from '@parley/api';
import { TRPCError } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

type Authenticated = NonNullable<Context['auth']>;

declare module 'fastify' {
  interface FastifyInstance {
    eventStreams: {
      /**
       * Admits a signed-in subscription served as Server-Sent Events (tRPC's
       * `httpSubscriptionLink`), as a WebSocket is admitted: counted against its address's and
       * its user's connection limits, tied to its session (revocation and token expiry end the
       * stream; the client reconnects and resumes by `lastEventId`), its user online while it
       * lasts. Throws the typed refusal.
       */
      admit(
        req: FastifyRequest,
        reply: FastifyReply,
        auth: Authenticated,
      ): Promise<NonNullable<Context['socketSession']>>;
      /** Ends every stream (a drain: their clients reconnect elsewhere and resume). */
      endAll(): void;
    };
  }
}

/** Subscriptions over Server-Sent Events: their limits, sessions and end. */
export const eventStreamsPlugin = fp(
  async (app, opts: { services: Services }) => {
    const { services } = opts;
    const live = new Set<() => void>();

    app.decorate('eventStreams', {
      async admit(req: FastifyRequest, reply: FastifyReply, auth: Authenticated) {
        if (services.inflight.draining)
          throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: RESTARTING_MESSAGE });
        const response = reply.raw;
        const refusal = app.socketLimits.admitStream(req.ip, auth.user.id, response);
        if (refusal) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: refusal });
        // Ending a stream drops its connection: the client's EventSource reconnects (with a fresh
        // token, or to be told why not) and resumes after the last event it saw.
        const end = () => response.destroy();
        const registration = await services.connections.register({
          userId: auth.user.id,
          sessionId: auth.session.id,
          accessTokenExpiresAt: auth.accessTokenExpiresAt,
          socket: { close: end, terminate: end },
        });
        live.add(end);
        // Counted as in-flight work, so a shutdown writes the user's presence before closing the store.
        const onClose = () => {
          live.delete(end);
          const done = services.inflight.begin();
          registration.release().catch(services.onError).finally(done);
        };
        if (response.destroyed) onClose();
        else response.once('close', onClose);
        return registration.session;
      },
      endAll() {
        for (const end of [...live]) end();
      },
    });
    app.addHook('preClose', async () => app.eventStreams.endAll());
  },
  { name: 'parley-event-streams', dependencies: ['parley-socket-limits'] },
);
