import {
  ACCESS_COOKIE,
  authenticate,
  CSRF_HEADER,
  REFRESH_COOKIE,
  type Context,
  type Services,
} from '@parley/api';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The signed-in caller (or why the presented token was refused), from `Authorization: Bearer`
     * or else the access-token cookie; resolved once per request, when first asked.
     */
    caller(): Promise<Pick<Context, 'auth' | 'authError'>>;
  }
}

/** Methods that change nothing: a cross-site page may send them, they write nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token of an `Authorization: Bearer <token>` header (HTTP requests and WebSocket upgrades). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

function bearer(req: FastifyRequest): string | undefined {
  return bearerToken(req.headers.authorization);
}

/**
 * Authentication of HTTP requests, for tRPC and the upload routes alike: the token and the CSRF
 * rule. A request that carries Parley's cookies may write (any method but GET, HEAD and OPTIONS)
 * only with the CSRF header, which a cross-site form cannot send and a cross-site `fetch` can send
 * only after a CORS preflight that only `CORS_ORIGINS` pass.
 */
export const authenticationPlugin = fp(
  async (app, opts: { services: Services }) => {
    const callers = new WeakMap<FastifyRequest, ReturnType<FastifyRequest['caller']>>();
    app.decorateRequest('caller', function (this: FastifyRequest) {
      let caller = callers.get(this);
      if (!caller) {
        caller = authenticate(opts.services, bearer(this) ?? this.cookies[ACCESS_COOKIE]);
        callers.set(this, caller);
      }
      return caller;
    });

    app.addHook('onRequest', async (req, reply) => {
      if (SAFE_METHODS.has(req.method) || req.headers[CSRF_HEADER] !== undefined) return;
      if (req.cookies[ACCESS_COOKIE] === undefined && req.cookies[REFRESH_COOKIE] === undefined)
        return;
      return reply.refuse('FORBIDDEN', 'This request is missing its CSRF header.');
    });
  },
  { name: 'parley-authentication', dependencies: ['@fastify/cookie', 'parley-errors'] },
);
