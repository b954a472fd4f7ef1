import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title></head>
<body><h1>Parley</h1><p>The server is running, but the web app is not built. Run <code>pnpm build</code>.</p></body></html>`;

/** Serves the built web app, with index.html for client-side routes. */
export async function webPlugin(app: FastifyInstance, opts: { root: string }) {
  const built = existsSync(path.join(opts.root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: opts.root,
      wildcard: false,
      setHeaders(res, file) {
        const immutable = file.includes(`${path.sep}assets${path.sep}`);
        res.setHeader(
          'cache-control',
          immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const wantsPage =
      req.method === 'GET' &&
      !req.url.startsWith('/trpc') &&
      req.headers.accept?.includes('text/html');
    if (!wantsPage)
      return reply
        .code(404)
        .send({ error: 'Not Found', message: `No route ${req.method} ${req.url.split('?')[0]}` });
    if (!built) return reply.type('text/html').send(PLACEHOLDER);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
