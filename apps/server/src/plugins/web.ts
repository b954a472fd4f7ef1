import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title></head>
<body><h1>Parley</h1><p>The server is running, but the web app is not built. Run <code>pnpm build</code>.</p></body></html>`;

/** Serves the built web app, with index.html for client-side routes; a JSON 404 for anything else. */
export const webPlugin = fp(
  async (app, opts: { root: string }) => {
    const built = existsSync(path.join(opts.root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, {
        root: opts.root,
        wildcard: false,
        // Vite writes .br and .gz copies beside each file: sent as they are, by Accept-Encoding.
        preCompressed: true,
        // Ours, not send's default (`public, max-age=0`), which would override them.
        cacheControl: false,
        setHeaders(res, file) {
          // Hashed assets never change; the page and everything else are revalidated.
          const immutable = file.includes(`${path.sep}assets${path.sep}`);
          res.setHeader(
            'cache-control',
            immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
          res.setHeader('vary', 'accept-encoding');
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
      return reply.sendFile('index.html');
    });
  },
  { name: 'parley-web' },
);
