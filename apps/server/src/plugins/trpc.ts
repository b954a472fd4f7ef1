import type { IncomingMessage } from 'node:http';
import {
  ACCESS_COOKIE,
  appRouter,
  authenticate,
  CSRF_HEADER,
  REFRESH_COOKIE,
  toTRPCError,
  type AppRouter,
  type Context,
  type Services,
} from '@parley/api';
import { TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { MAX_BATCH_SIZE, trpcErrorBody, type Limits } from './limits.ts';
import { isAllowedOrigin } from './origins.ts';

/** Procedure paths, comma-separated in a batch. */
const PROCEDURE_PATH = /^[\w.,-]*$/;

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/** Mounts the router at /trpc over HTTP and WebSocket, building each caller's context. */
export async function trpcPlugin(
  app: FastifyInstance,
  opts: { services: Services; limits: Limits; production: boolean; corsOrigins: string[] },
) {
  const { services, limits } = opts;
  const ipOf = new WeakMap<IncomingMessage, string>();
  app.addHook('onRequest', async (req) => {
    ipOf.set(req.raw, req.ip);
  });
  // tRPC decodes the (already decoded) path again: `/trpc/%25` would throw inside it and answer 500.
  app.addHook('preHandler', async (req, reply) => {
    const path = (req.params as { path?: unknown } | undefined)?.path;
    if (typeof path === 'string' && !PROCEDURE_PATH.test(path)) {
      return reply
        .code(404)
        .send(trpcErrorBody('NOT_FOUND', `No procedure found on path "${path.slice(0, 100)}"`));
    }
  });

  async function httpContext(req: FastifyRequest, res: FastifyReply): Promise<Context> {
    const cookies = req.cookies;
    const token = bearer(req.headers.authorization) ?? cookies[ACCESS_COOKIE];
    return {
      services,
      client: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
      ...(await authenticate(services, token)),
      cookies: {
        get: (name) => cookies[name],
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
      hasAuthCookies: cookies[ACCESS_COOKIE] !== undefined || cookies[REFRESH_COOKIE] !== undefined,
      transport: 'http',
    };
  }

  async function wsContext(
    req: IncomingMessage,
    socket: WebSocket,
    params: Partial<Record<string, string>> | null,
  ): Promise<Context> {
    if (limits.wasRefused(socket))
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'This connection was refused.' });
    const cookieToken = app.parseCookie(req.headers.cookie ?? '')[ACCESS_COOKIE];
    const token = params?.token ?? cookieToken;
    if (
      !params?.token &&
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
    if (resolved.auth) {
      const refusal = limits.admitUser(resolved.auth.user.id, socket);
      if (refusal) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: refusal });
      const release = await services.connections.register({
        userId: resolved.auth.user.id,
        sessionId: resolved.auth.session.id,
        accessTokenExpiresAt: resolved.auth.accessTokenExpiresAt,
        socket,
      });
      // Counted as in-flight work, so a shutdown writes the user's presence before closing the store.
      const onClose = () => {
        const done = services.inflight.begin();
        release().catch(services.onError).finally(done);
      };
      if (socket.readyState >= socket.CLOSING) onClose();
      else socket.once('close', onClose);
    }
    return {
      services,
      client: {
        ip: ipOf.get(req) ?? req.socket.remoteAddress ?? 'unknown',
        userAgent: req.headers['user-agent'] ?? null,
      },
      ...resolved,
      cookies: null,
      browser: false,
      hasAuthCookies: false,
      transport: 'ws',
    };
  }

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    useWSS: true,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      async createContext({ req, res, info }) {
        if ('raw' in req) return httpContext(req as FastifyRequest, res as FastifyReply);
        try {
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
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
