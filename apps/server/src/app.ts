import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import type { Services } from '@parley/api';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { healthPlugin } from './plugins/health.ts';
import {
  DEFAULT_CONNECTION_LIMITS,
  limitsPlugin,
  websocketErrorHandler,
} from './plugins/limits.ts';
import { securityPlugin } from './plugins/security.ts';
import { trpcPlugin } from './plugins/trpc.ts';
import { uploadsPlugin } from './plugins/uploads.ts';
import { webPlugin } from './plugins/web.ts';

/** Request body limit for tRPC calls (JSON); uploads have their own route and limit. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The largest WebSocket frame accepted; a bigger one closes the socket with 1009. */
export const WS_MAX_PAYLOAD_BYTES = 256 * 1024;
/** How long a closing socket may take to answer the close handshake before it is destroyed. */
const WS_CLOSE_TIMEOUT_MS = 10_000;

function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    ...(config.prettyLogs
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l' } } }
      : {}),
  };
}

/** The Fastify application: plugins only, no listening, no process signals. */
export async function buildApp(config: Config, services: Services) {
  const app = Fastify({
    logger: loggerOptions(config),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 5000 },
    // While closing, requests still get the routes' own typed answers ("the server is restarting"),
    // not Fastify's bare 503; plugins/limits.ts closes their connections after each answer.
    return503OnClosing: false,
  });
  await app.register(cookie);
  await securityPlugin(app, { corsOrigins: config.corsOrigins });
  await app.register(websocket, {
    // closeTimeout is in ws 8.23, not yet in its types.
    options: { maxPayload: WS_MAX_PAYLOAD_BYTES, closeTimeout: WS_CLOSE_TIMEOUT_MS } as {
      maxPayload: number;
    },
    errorHandler: websocketErrorHandler,
  });
  const limits = limitsPlugin(app, {
    services,
    bodyLimit: BODY_LIMIT_BYTES,
    limits: { ...DEFAULT_CONNECTION_LIMITS, ...config.connectionLimits },
  });
  await healthPlugin(app, { store: services.store, draining: () => services.inflight.draining });
  await app.register(trpcPlugin, {
    services,
    limits,
    production: config.production,
    corsOrigins: config.corsOrigins,
  });
  await uploadsPlugin(app, { services });
  await webPlugin(app, { root: config.webDist });
  return app;
}
