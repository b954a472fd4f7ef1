import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { appRouter } from '@parley/api';
import {
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type TRPC_ERROR_CODE_KEY,
} from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { SECURITY_HEADERS } from './security-headers.ts';

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Answers with an error a person can read: tRPC's error shape under /trpc (the stock client
     * reads it as a typed error), `{ error, message }` elsewhere. The status follows the code
     * unless given.
     */
    refuse(
      code: TRPC_ERROR_CODE_KEY,
      message: string,
      opts?: { status?: number; retryAfterSeconds?: number | undefined },
    ): FastifyReply;
  }
}

/** A tRPC error response in the router's own shape (readable message, typed code), superjson-encoded. */
export function trpcErrorBody(code: TRPC_ERROR_CODE_KEY, message: string, path?: string) {
  const error = new TRPCError({ code, message });
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path,
    input: undefined,
    ctx: undefined,
  });
  return transformTRPCResponse(appRouter._def._config, { id: null, error: shape });
}

function errorBody(url: string, code: TRPC_ERROR_CODE_KEY, message: string) {
  if (!url.startsWith('/trpc')) return { error: code, message };
  const path = url.slice('/trpc/'.length).split('?')[0];
  return trpcErrorBody(code, message, path || undefined);
}

const kib = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;

/** Readable messages for the errors Fastify raises before a route runs (body too large, bad content type, ...). */
function describe(
  error: FastifyError,
  bodyLimit: number,
): { status: number; code: TRPC_ERROR_CODE_KEY; message: string } {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is larger than ${kib(bodyLimit)}.`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the request body as application/json.',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' };
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'BAD_REQUEST', message: 'The address is not valid.' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'BAD_REQUEST', message: 'The address is too long.' };
  }
  if (status >= 500)
    return { status, code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side.' };
  if (status === 404) return { status, code: 'NOT_FOUND', message: error.message };
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: error.message };
  if (status === 429) return { status, code: 'TOO_MANY_REQUESTS', message: error.message };
  return { status, code: 'BAD_REQUEST', message: error.message };
}

/**
 * Fastify's option `frameworkErrors`: a malformed URL (400) or a parameter past `maxParamLength`
 * (414) is refused before any hook runs, so the security headers are set here.
 */
export function frameworkErrors(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const { status, code, message } = describe(error, 0);
  req.log.debug({ err: error }, 'request refused');
  return reply
    .headers(SECURITY_HEADERS)
    .code(status)
    .send(errorBody(req.url ?? '', code, message));
}

/** What Node's HTTP parser refuses, as Fastify's `clientErrorHandler` answers it. */
function describeClientError(error: NodeJS.ErrnoException) {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'TIMEOUT', message: 'The request took too long to arrive.' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'BAD_REQUEST', message: 'The request headers are too large.' };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'The request is malformed.' };
  }
}

/**
 * Fastify's option `clientErrorHandler`: a request Node's parser refused (malformed, headers too
 * large, too slow to arrive) is answered on the raw socket, with the security headers, and the
 * connection closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Socket,
) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: error }, 'client error');
  const answered = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage
    ?.headersSent;
  if (socket.writable && !answered) {
    const { status, code, message } = describeClientError(error);
    const body = JSON.stringify({ error: code, message });
    const headers = {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

/** @fastify/websocket's error handler: a client's protocol error (bad frame, too big) is its problem, not ours. */
export function websocketErrorHandler(error: Error, socket: WebSocket, req: FastifyRequest) {
  const clientFault =
    error instanceof RangeError || (error as { code?: string }).code?.startsWith('WS_ERR_');
  if (clientFault) req.log.debug({ err: error }, 'websocket protocol error');
  else req.log.warn({ err: error }, 'websocket error');
  // ws already started the close handshake with the right code (e.g. 1009); destroy only if it did not.
  if (socket.readyState === socket.OPEN) socket.terminate();
}

/**
 * Errors in one place: `reply.refuse()` for routes, and readable, typed answers (tRPC-shaped
 * under /trpc) for what Fastify refuses itself; failures are logged, never shown.
 */
/** A refused request's body up to this size is read and dropped (see `refuse`). */
export const SMALL_BODY_BYTES = 1024 * 1024;

export const errorsPlugin = fp(
  async (app, opts: { bodyLimit: number }) => {
    app.decorateReply(
      'refuse',
      function (
        this: FastifyReply,
        code: TRPC_ERROR_CODE_KEY,
        message: string,
        { status, retryAfterSeconds }: { status?: number; retryAfterSeconds?: number } = {},
      ) {
        if (retryAfterSeconds) this.header('retry-after', String(retryAfterSeconds));
        // Refused before its body was read (no token, no CSRF header): read and drop a small body,
        // so that the client, still sending it, gets the answer rather than a broken pipe (Node
        // 24's fetch fails on that); a large one is left unread and its connection closed.
        const raw = this.request.raw;
        const length = Number(raw.headers['content-length'] ?? NaN);
        if (!raw.complete && raw.readableFlowing === null && length <= SMALL_BODY_BYTES)
          raw.resume();
        return this.code(
          status ?? getHTTPStatusCodeFromError(new TRPCError({ code, message })),
        ).send(errorBody(this.request.url, code, message));
      },
    );

    app.setErrorHandler((error: FastifyError, req, reply) => {
      const { status, code, message } = describe(error, opts.bodyLimit);
      if (status >= 500) req.log.error({ err: error }, 'request failed');
      else req.log.debug({ err: error }, 'request refused');
      return reply.refuse(code, message, { status });
    });
  },
  { name: 'parley-errors' },
);
