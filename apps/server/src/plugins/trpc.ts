import type { IncomingMessage } from 'node:http';
import {
  ACCESS_COOKIE,
  appRouter,
  authenticate,
  CSRF_HEADER,
  MAX_BATCH_SIZE,
  toTRPCError,
  type AppRouter,
  type Context,
  type Services,
  wsEncoder,
} from '@parley/api';
import { TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { WSSHandlerOptions } from '@trpc/server/adapters/ws';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { bearerToken } from './authentication.ts';
import { isAllowedOrigin } from './origins.ts';

/** Procedure paths, comma-separated in a batch. */
const PROCEDURE_PATH = /^[\w.,-]*$/;

interface TrpcOptions {
  services: Services;
  production: boolean;
  corsOrigins: string[];
}

function httpContextBuilder(opts: TrpcOptions) {
  return async function httpContext(req: FastifyRequest, res: FastifyReply): Promise<Context> {
    return {
      services: opts.services,
      client: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
      ...(await req.caller()),
      cookies: {
        get: (name) => req.cookies[name],
        set: (name, value, o) =>
          void res.setCookie(name, value, {
            httpOnly: true,
            sameSite: 'lax',
            secure: opts.production,
            path: o.path,
            maxAge: o.maxAgeSeconds,
          }),
        clear: (name, o) => void res.clearCookie(name, { path: o.path }),
      },
      browser: req.headers[CSRF_HEADER] !== undefined,
      socketSession: null,
      transport: 'http',
    };
  };
}

/**
 * A subscription over HTTP, answered as Server-Sent Events (tRPC's `httpSubscriptionLink`): the
 * token from `Authorization: Bearer`, from connectionParams (`?connectionParams=` in the URL: an
 * EventSource cannot set headers), or the cookie of a page from an allowed origin; a signed-in
 * stream counts against its user's connection limits and is tied to its session, as a socket is.
 * A refused token is reported by the procedure (UNAUTHORIZED, as over HTTP).
 */
function sseContextBuilder(app: FastifyInstance, opts: TrpcOptions) {
  const { services } = opts;
  return async function sseContext(
    req: FastifyRequest,
    res: FastifyReply,
    params: Partial<Record<string, string>> | null,
  ): Promise<Context> {
    const paramsToken = params?.token;
    const cookieOnly = !paramsToken && !bearerToken(req.headers.authorization);
    if (
      cookieOnly &&
      req.cookies[ACCESS_COOKIE] &&
      !isAllowedOrigin(req.headers.origin, req.headers.host, opts.corsOrigins)
    ) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This origin may not open a signed-in event stream.',
      });
    }
    const resolved = paramsToken ? await authenticate(services, paramsToken) : await req.caller();
    const socketSession = resolved.auth
      ? await app.eventStreams.admit(req, res, resolved.auth)
      : null;
    return {
      services,
      client: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
      ...resolved,
      cookies: null,
      browser: false,
      socketSession,
      transport: 'sse',
    };
  };
}

/**
 * A WebSocket's context, built once for its whole life: the token from connectionParams or the
 * upgrade's `Authorization: Bearer` header, or the cookie of a page from an allowed origin; the socket counted against its user's limit and tied
 * to its session (revocation and expiry end it: see services/connections.ts).
 */
function wsContextBuilder(app: FastifyInstance, opts: TrpcOptions) {
  const { services } = opts;
  return async function wsContext(
    req: IncomingMessage,
    socket: WebSocket,
    params: Partial<Record<string, string>> | null,
  ): Promise<Context> {
    if (app.socketLimits.wasRefused(socket))
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'This connection was refused.' });
    const cookieToken = app.parseCookie(req.headers.cookie ?? '')[ACCESS_COOKIE];
    const presented = params?.token ?? bearerToken(req.headers.authorization);
    const token = presented ?? cookieToken;
    if (
      !presented &&
      cookieToken &&
      !isAllowedOrigin(req.headers.origin, req.headers.host, opts.corsOrigins)
    ) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This origin may not open a signed-in socket.',
      });
    }
    const resolved = await authenticate(services, token);
    if (token && !resolved.auth)
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: resolved.authError ?? 'Sign in again.',
      });
    let socketSession: Context['socketSession'] = null;
    if (resolved.auth) {
      const refusal = app.socketLimits.admitUser(resolved.auth.user.id, socket);
      if (refusal) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: refusal });
      const registration = await services.connections.register({
        userId: resolved.auth.user.id,
        sessionId: resolved.auth.session.id,
        accessTokenExpiresAt: resolved.auth.accessTokenExpiresAt,
        socket,
      });
      socketSession = registration.session;
      // Counted as in-flight work, so a shutdown writes the user's presence before closing the store.
      const onClose = () => {
        const done = services.inflight.begin();
        registration.release().catch(services.onError).finally(done);
      };
      if (socket.readyState >= socket.CLOSING) onClose();
      else socket.once('close', onClose);
    }
    return {
      services,
      client: { ip: app.socketLimits.ipOf(req), userAgent: req.headers['user-agent'] ?? null },
      ...resolved,
      cookies: null,
      browser: false,
      socketSession,
      transport: 'ws',
    };
  };
}

/**
 * Mounts the router at /trpc over HTTP (subscriptions as Server-Sent Events) and WebSocket,
 * building each caller's context.
 */
export const trpcPlugin = fp(
  async (app, opts: TrpcOptions) => {
    const httpContext = httpContextBuilder(opts);
    const wsContext = wsContextBuilder(app, opts);
    const sseContext = sseContextBuilder(app, opts);

    // tRPC decodes the (already decoded) path again: `/trpc/%25` would throw inside it and answer 500.
    app.addHook('preHandler', async (req, reply) => {
      const path = (req.params as { path?: unknown } | undefined)?.path;
      if (typeof path === 'string' && !PROCEDURE_PATH.test(path)) {
        return reply.refuse('NOT_FOUND', `No procedure found on path "${path.slice(0, 100)}"`);
      }
    });

    await app.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      useWSS: true,
      trpcOptions: {
        router: appRouter,
        maxBatchSize: MAX_BATCH_SIZE,
        // Each event is encoded once for all the sockets it goes to (packages/api/src/wire.ts).
        experimental_encoder: wsEncoder,
        async createContext({ req, res, info }) {
          try {
            if ('raw' in req) {
              if (info.type === 'subscription')
                return await sseContext(
                  req as FastifyRequest,
                  res as FastifyReply,
                  info.connectionParams,
                );
              return await httpContext(req as FastifyRequest, res as FastifyReply);
            }
            return await wsContext(
              req as IncomingMessage,
              res as unknown as WebSocket,
              info.connectionParams,
            );
          } catch (error) {
            throw toTRPCError(error);
          }
        },
        onError({ error, path }) {
          if (error.code !== 'INTERNAL_SERVER_ERROR') return;
          // A socket's protocol error (a bad or oversized frame) reaches here too: the client's fault.
          const cause = error.cause as { code?: unknown } | undefined;
          if (
            path === undefined &&
            typeof cause?.code === 'string' &&
            cause.code.startsWith('WS_ERR_')
          ) {
            app.log.debug({ err: cause }, 'websocket protocol error');
            return;
          }
          app.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        },
        responseMeta({ errors }) {
          const retry = errors.map((e) => e.cause).find((c) => c && 'details' in c) as
            { details?: { retryAfterSeconds?: number } } | undefined;
          const seconds = retry?.details?.retryAfterSeconds;
          return seconds ? { headers: { 'retry-after': String(seconds) } } : {};
        },
        // The Fastify adapter hands these options to tRPC's WebSocket handler, whose options
        // (not the adapter's type) include the encoder.
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] &
        Pick<WSSHandlerOptions<AppRouter>, 'experimental_encoder'>,
    });
  },
  {
    name: 'parley-trpc',
    // Its hooks and tRPC's content-type parsers stay inside /trpc.
    encapsulate: true,
    dependencies: [
      '@fastify/websocket',
      'parley-errors',
      'parley-authentication',
      'parley-socket-limits',
      'parley-event-streams',
      'parley-shutdown',
    ],
  },
);
