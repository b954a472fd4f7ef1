import multipart from '@fastify/multipart';
import {
  ACCESS_COOKIE,
  AppError,
  authenticate,
  CSRF_HEADER,
  IMAGE_LIMITS,
  type Services,
} from '@parley/api';
import { FILES_PATH, type AttachmentVariantName } from '@parley/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Deletes the unused uploads older than a day now (the server also does it every hour). */
    collectUploadGarbage(): Promise<number>;
  }
}

/** The upload route; its one multipart field is `file`. */
export const UPLOADS_PATH = '/api/uploads';
export const UPLOAD_FIELD = 'file';
/** Room for the multipart boundaries and part headers around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** How often unused uploads are looked for; they are deleted once a day old. */
export const UPLOAD_GC_INTERVAL_MS = 3600 * 1000;

const ATTACHMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VARIANTS: ReadonlySet<string> = new Set<AttachmentVariantName>(['display', 'thumb']);

const STATUS: Record<AppError['code'], number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
};

/** The JSON error body of these routes: the same `{ error, message }` as every non-tRPC route. */
function fail(reply: FastifyReply, error: AppError) {
  const seconds = error.details.retryAfterSeconds;
  if (seconds) reply.header('retry-after', String(seconds));
  return reply.code(STATUS[error.code]).send({ error: error.code, message: error.message });
}

function restarting(reply: FastifyReply) {
  return reply.code(503).send({
    error: 'SERVICE_UNAVAILABLE',
    message: 'The server is restarting. Try again in a moment.',
  });
}

/** Counts the request as in flight until its answer is sent, so that a drain waits for it. */
function holdUntilAnswered(services: Services, reply: FastifyReply) {
  const done = services.inflight.begin();
  reply.raw.once('close', done);
}

function tokenOf(req: FastifyRequest): { token: string | undefined; fromCookie: boolean } {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return { token: bearer, fromCookie: false };
  const cookie = req.cookies[ACCESS_COOKIE];
  return { token: cookie, fromCookie: cookie !== undefined };
}

/** The signed-in caller, or an error: cookie-authenticated writes must carry the CSRF header. */
async function caller(services: Services, req: FastifyRequest, write: boolean) {
  const { token, fromCookie } = tokenOf(req);
  const { auth, authError } = await authenticate(services, token);
  if (!auth) return new AppError('UNAUTHORIZED', authError ?? 'Sign in to do that.');
  if (write && fromCookie && req.headers[CSRF_HEADER] === undefined) {
    return new AppError('FORBIDDEN', 'This request is missing its CSRF header.');
  }
  return auth;
}

/** Errors of the request body itself (cut off, malformed multipart) are the client's. */
async function* clientStream(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (error) {
    throw new AppError(
      'BAD_REQUEST',
      `The upload was interrupted or malformed: ${error instanceof Error ? error.message : 'unreadable body'}.`,
    );
  }
}

/**
 * Image uploads and the files made of them:
 * - `POST /api/uploads`: multipart/form-data with one file field `file` (JPEG, PNG, WebP or GIF,
 *   at most 10 MB) → 201 with the attachment (see `UploadedAttachment`);
 * - `GET /api/files/:id/:variant` (`display` or `thumb`): the image, to whoever may see it.
 * Both take the access token as `Authorization: Bearer` or the session cookie; a cookie POST must
 * carry the CSRF header. Errors are `{ error, message }` with 400/401/403/404/409/413/415/429.
 */
export async function uploadsPlugin(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  app.decorateRequest('uploader', null);

  await app.register(async (scope) => {
    // The multipart parser exists in this scope only: nothing else accepts multipart bodies.
    await scope.register(multipart, {
      limits: {
        files: 1,
        fields: 0,
        parts: 2,
        headerPairs: 20,
        // One byte past the limit, so that the service sees the file is too large and says so.
        fileSize: IMAGE_LIMITS.maxBytes + 1,
      },
      throwFileSizeLimit: false,
    });

    scope.post(
      UPLOADS_PATH,
      {
        // A refused upload is not read to its end: its connection closes after the answer, so
        // the rest of the body is never read (nor mistaken for the next request).
        async onSend(_req, reply, payload) {
          if (reply.statusCode !== 201) reply.header('connection', 'close');
          return payload;
        },
        // Refused before a byte of the body is read.
        async onRequest(req, reply) {
          const auth = await caller(services, req, true);
          if (auth instanceof AppError) return fail(reply, auth);
          if (services.inflight.draining) return restarting(reply);
          if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
            return fail(
              reply,
              new AppError(
                'UNSUPPORTED_MEDIA_TYPE',
                `Send the image as multipart/form-data, in a field named "${UPLOAD_FIELD}".`,
              ),
            );
          }
          const declared = Number(req.headers['content-length'] ?? 0);
          if (declared > IMAGE_LIMITS.maxBytes + MULTIPART_OVERHEAD_BYTES) {
            return fail(reply, new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than 10 MB.'));
          }
          req.uploader = auth.user.id;
          holdUntilAnswered(services, reply);
        },
      },
      async (req, reply) => {
        const me = req.uploader;
        if (!me) return fail(reply, new AppError('UNAUTHORIZED', 'Sign in to do that.'));
        try {
          const part = await req.file();
          if (!part || part.fieldname !== UPLOAD_FIELD) {
            throw new AppError('BAD_REQUEST', `Send the image in a field named "${UPLOAD_FIELD}".`);
          }
          const uploaded = await services.attachments.upload(me, clientStream(part.file));
          return await reply.code(201).send(uploaded);
        } catch (error) {
          if (error instanceof AppError) return fail(reply, error);
          const status = (error as { statusCode?: number }).statusCode;
          if (status && status >= 400 && status < 500) {
            return fail(reply, new AppError('BAD_REQUEST', (error as Error).message));
          }
          throw error;
        }
      },
    );
  });

  app.get(`${FILES_PATH}/:id/:variant`, async (req, reply) => {
    const auth = await caller(services, req, false);
    if (auth instanceof AppError) return fail(reply, auth);
    if (services.inflight.draining) return restarting(reply);
    holdUntilAnswered(services, reply);
    const { id, variant } = req.params as { id: string; variant: string };
    if (!ATTACHMENT_ID.test(id) || !VARIANTS.has(variant)) {
      return fail(reply, new AppError('NOT_FOUND', 'No such file.'));
    }
    try {
      const file = await services.attachments.open(
        auth.user.id,
        id,
        variant as AttachmentVariantName,
      );
      return reply
        .header('content-type', file.mime)
        .header('content-length', String(file.size))
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline')
        .send(file.stream);
    } catch (error) {
      if (error instanceof AppError) return fail(reply, error);
      throw error;
    }
  });

  app.decorate('collectUploadGarbage', () => services.attachments.collectGarbage());
  const collect = () => {
    services.attachments.collectGarbage().catch(services.onError);
  };
  // Once soon after starting (a process may not live an hour), then every hour; neither timer
  // keeps the process alive.
  const first = setTimeout(collect, 60_000);
  const timer = setInterval(collect, UPLOAD_GC_INTERVAL_MS);
  first.unref();
  timer.unref();
  app.addHook('onClose', async () => {
    clearTimeout(first);
    clearInterval(timer);
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** POST /api/uploads: the signed-in caller, once onRequest let the request in. */
    uploader: string | null;
  }
}
