import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import type { Services } from '@parley/api';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { authenticationPlugin } from './plugins/authentication.ts';
import { corsPlugin } from './plugins/cors.ts';
import {
  clientErrorHandler,
  errorsPlugin,
  frameworkErrors,
  websocketErrorHandler,
} from './plugins/errors.ts';
import { healthPlugin } from './plugins/health.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { shutdownPlugin } from './plugins/shutdown.ts';
import { eventStreamsPlugin } from './plugins/event-streams.ts';
import { DEFAULT_CONNECTION_LIMITS, socketLimitsPlugin } from './plugins/socket-limits.ts';
import { trpcPlugin } from './plugins/trpc.ts';
import { linkImagesPlugin } from './plugins/link-images.ts';
import { uploadsPlugin } from './plugins/uploads.ts';
import { webPlugin } from './plugins/web.ts';

/** Request body limit for tRPC calls (JSON); uploads have their own route and limit. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The largest WebSocket frame accepted; a bigger one closes the socket with 1009. */
export const WS_MAX_PAYLOAD_BYTES = 256 * 1024;
/** How long a closing socket may take to answer the close handshake before it is destroyed. */
const WS_CLOSE_TIMEOUT_MS = 10_000;
/** How long the request line and headers may take to arrive (slowloris). */
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * A request URL as logged: an event stream's `connectionParams` (which carries a token, because an
 * EventSource cannot send headers) is censored; a WebSocket's `connectionParams=1` is kept.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]connectionParams=)(?!1(?:&|$))[^&]*/g, '$1[redacted]');
}

function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    serializers: {
      req: (req: {
        method: string;
        url: string;
        host?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
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

/**
 * Slow clients: a request must arrive whole (headers and body) within `requestTimeoutMs`, its
 * headers within 10 s; a connection on which nothing is read or written for `idleTimeoutMs` is
 * closed, which also ends an answer its client stopped reading. Node checks the request
 * deadlines every `connectionsCheckingInterval`.
 */
function timeoutOptions({ requestTimeoutMs, idleTimeoutMs }: Config['httpTimeouts']) {
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: idleTimeoutMs,
    http: {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, requestTimeoutMs / 4)),
    },
  };
}

/** The Fastify application: plugins only, no listening, no process signals. */
export async function buildApp(config: Config, services: Services) {
  const app = Fastify({
    logger: loggerOptions(config),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 5000 },
    ...timeoutOptions(config.httpTimeouts),
    // What Fastify and Node refuse before any hook runs gets the same headers and readable errors.
    frameworkErrors,
    clientErrorHandler,
    // While closing, requests still get the routes' own typed answers ("the server is restarting"),
    // not Fastify's bare 503; plugins/shutdown.ts closes their connections after each answer.
    return503OnClosing: false,
  });
  await app.register(cookie);
  await app.register(securityHeadersPlugin);
  await app.register(corsPlugin, { corsOrigins: config.corsOrigins });
  await app.register(errorsPlugin, { bodyLimit: BODY_LIMIT_BYTES });
  await app.register(websocket, {
    // closeTimeout is in ws 8.23, not yet in its types.
    options: { maxPayload: WS_MAX_PAYLOAD_BYTES, closeTimeout: WS_CLOSE_TIMEOUT_MS } as {
      maxPayload: number;
    },
    errorHandler: websocketErrorHandler,
  });
  await app.register(socketLimitsPlugin, {
    limits: { ...DEFAULT_CONNECTION_LIMITS, ...config.connectionLimits },
  });
  await app.register(eventStreamsPlugin, { services });
  await app.register(shutdownPlugin, { services });
  await app.register(authenticationPlugin, { services });
  await app.register(healthPlugin, {
    store: services.store,
    draining: () => services.inflight.draining,
  });
  await app.register(trpcPlugin, {
    services,
    production: config.production,
    corsOrigins: config.corsOrigins,
  });
  await app.register(uploadsPlugin, { services });
  await app.register(linkImagesPlugin, { services });
  await app.register(webPlugin, { root: config.webDist });
  return app;
}
