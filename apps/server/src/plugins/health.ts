import type { Store } from '@parley/db';
import fp from 'fastify-plugin';

const PING_TIMEOUT_MS = 2000;

function pingWithin(store: Store, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([store.ping().catch(() => false), timeout]).finally(() =>
    clearTimeout(timer),
  );
}

/**
 * GET /healthz: 200 when the store answers within 2 s, 503 otherwise, and 503 while the server
 * drains for a shutdown (so a load balancer stops sending it new clients).
 */
export const healthPlugin = fp(
  async (app, opts: { store: Store; draining?: () => boolean }) => {
    app.get('/healthz', async (_req, reply) => {
      if (opts.draining?.()) return reply.code(503).send({ status: 'draining', store: 'up' });
      const store = await pingWithin(opts.store, PING_TIMEOUT_MS);
      return reply
        .code(store ? 200 : 503)
        .send({ status: store ? 'ok' : 'degraded', store: store ? 'up' : 'down' });
    });
  },
  { name: 'parley-health' },
);
