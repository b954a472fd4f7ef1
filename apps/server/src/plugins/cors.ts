import cors from '@fastify/cors';
import { CSRF_HEADER } from '@parley/api';
import fp from 'fastify-plugin';

/** The CORS allow-list: only `CORS_ORIGINS` may call the API from another origin, with cookies. */
export const corsPlugin = fp(
  async (app, opts: { corsOrigins: string[] }) => {
    await app.register(cors, {
      origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false,
      credentials: true,
      allowedHeaders: ['content-type', 'authorization', CSRF_HEADER, 'trpc-accept'],
      maxAge: 600,
    });
  },
  { name: 'parley-cors' },
);
