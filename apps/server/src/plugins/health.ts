import type { Store } from '@parley/db';
import type { FastifyInstance } from 'fastify';

/** GET /healthz: 200 when the store answers, 503 otherwise. */
export async function healthPlugin(app: FastifyInstance, opts: { store: Store }) {
  app.get('/healthz', async (_req, reply) => {
    const store = await opts.store.ping().catch(() => false);
    return reply.code(store ? 200 : 503).send({ status: store ? 'ok' : 'degraded', store: store ? 'up' : 'down' });
  });
}
