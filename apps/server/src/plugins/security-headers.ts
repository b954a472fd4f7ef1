import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

const POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  crossOriginEmbedderPolicy: false,
};

/** The headers helmet sets for POLICY, collected once: they are the same for every answer. */
function collect(policy: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => undefined,
  };
  helmet(policy)({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

/**
 * Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, HSTS and the
 * cross-origin policies. The answers Fastify writes before any hook runs (a malformed URL, a
 * parameter too long, headers too large, a request too slow) set them too: see errors.ts.
 */
export const SECURITY_HEADERS = collect(POLICY);

/** Every answer carries SECURITY_HEADERS. */
export const securityHeadersPlugin = fp(
  async (app) => {
    app.addHook('onRequest', async (_req, reply) => {
      reply.headers(SECURITY_HEADERS);
    });
  },
  { name: 'parley-security-headers' },
);
