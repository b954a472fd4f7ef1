import multipart from '@fastify/multipart';
import {
  AppError,
  downloadDisposition,
  downloadType,
  IMAGE_LIMITS,
  megabytes,
  UPLOAD_FIELD,
  UPLOAD_KINDS,
  UPLOADS_PATH,
  type AttachmentFile,
  type Context,
  type Services,
  type UploadKind,
} from '@parley/api';
import { ATTACHMENT_BLOBS, FILES_PATH, type AttachmentBlobName } from '@parley/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import { SMALL_BODY_BYTES } from './errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Deletes the unused uploads older than a day now (the server also does it every hour). */
    collectUploadGarbage(): Promise<number>;
  }
  interface FastifyRequest {
    /** POST /api/uploads: the signed-in caller, once onRequest let the request in. */
    uploader: string | null;
    /** POST /api/uploads: what is uploaded (`?kind=`), once onRequest let the request in. */
    uploadKind: UploadKind;
  }
}

/** Room for the multipart boundaries and part headers around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** How often unused uploads are looked for; they are deleted once a day old. */
export const UPLOAD_GC_INTERVAL_MS = 3600 * 1000;

const ATTACHMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VARIANTS: ReadonlySet<string> = new Set<string>(ATTACHMENT_BLOBS);

/** The `?kind=` of an upload (an image when absent), or null when it names none. */
function uploadKindOf(query: unknown): UploadKind | null {
  const kind = (query as { kind?: unknown }).kind ?? 'image';
  return (UPLOAD_KINDS as readonly unknown[]).includes(kind) ? (kind as UploadKind) : null;
}

/**
 * How a variant is served. Images inline; voice notes inline as audio; files only ever as a
 * download, with a type no browser runs (downloadType). None may be sniffed as something else,
 * and none runs as a page if opened directly (a sandbox without scripts, no subresources).
 */
function servingHeaders(file: AttachmentFile): Record<string, string> {
  const { attachment } = file;
  const common = {
    'content-length': String(file.size),
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  };
  switch (attachment.kind) {
    case 'image':
      return { ...common, 'content-type': attachment.mime, 'content-disposition': 'inline' };
    case 'voice':
      return {
        ...common,
        'content-type': attachment.mime,
        'content-disposition': 'inline',
        // The whole note in one answer: it is small, and its player knows its duration.
        'accept-ranges': 'none',
      };
    case 'file':
      return {
        ...common,
        'content-type': downloadType(attachment.mime),
        'content-disposition': downloadDisposition(attachment.name),
      };
  }
}

/** The `{ error, message }` answer of these routes (with retry-after when it says when). */
function fail(reply: FastifyReply, error: AppError) {
  return reply.refuse(error.code, error.message, {
    retryAfterSeconds: error.details.retryAfterSeconds,
  });
}

/** The signed-in caller, or the error to answer. */
async function signedIn(req: FastifyRequest): Promise<NonNullable<Context['auth']> | AppError> {
  const { auth, authError } = await req.caller();
  return auth ?? new AppError('UNAUTHORIZED', authError ?? 'Sign in to do that.');
}

/** Counts the request as in flight until its answer is sent, so that a drain waits for it. */
function holdUntilAnswered(services: Services, reply: FastifyReply) {
  const done = services.inflight.begin();
  reply.raw.once('close', done);
}

/** After refusing an upload, how long and how much more of it is read and dropped at most. */
const LINGER_MS = 2000;
const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused request for LINGER_MS or LINGER_BYTES, then closes its
 * connection (unless it ended first). Closing at once, with the client's bytes still unread,
 * resets the connection, and a client still sending often loses the answer with it (nginx's
 * "lingering close" does the same).
 */
function lingerThenClose(raw: IncomingMessage) {
  let read = 0;
  const close = () => raw.socket?.destroy();
  const timer = setTimeout(close, LINGER_MS);
  raw.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER_BYTES) close();
  });
  raw.once('end', () => clearTimeout(timer));
  raw.resume();
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
 * Uploads and the files made of them:
 * - `POST /api/uploads[?kind=image|file|voice]`: multipart/form-data with one file field `file`
 *   → 201 with the attachment (see `UploadedAttachment`). An image (the default): JPEG, PNG,
 *   WebP or GIF, at most 10 MB. A file: anything, at most FILE_MAX_BYTES. A voice note: Opus in
 *   WebM or Ogg, at most FILE_MAX_BYTES and VOICE_MAX_SECONDS;
 * - `GET /api/files/:id/:variant` (`display` or `thumb` of an image, `original` of a file or a
 *   voice note): to whoever may see it; a file only ever as a download (see servingHeaders).
 * Both take the access token as `Authorization: Bearer` or the session cookie (a cookie POST must
 * carry the CSRF header: see authentication.ts). Errors are `{ error, message }` with
 * 400/401/403/404/409/413/415/429/503.
 */
export const uploadsPlugin = fp(
  async (app, opts: { services: Services }) => {
    const { services } = opts;
    app.decorateRequest('uploader', null);
    app.decorateRequest('uploadKind', 'image');

    await app.register(async (scope) => {
      // The multipart parser exists in this scope only: nothing else accepts multipart bodies.
      await scope.register(multipart, {
        limits: {
          files: 1,
          fields: 0,
          parts: 2,
          headerPairs: 20,
          // One byte past the largest limit, so that the service sees a file is too large and
          // says so (each kind has its own limit, checked there).
          fileSize:
            Math.max(IMAGE_LIMITS.maxBytes, services.attachments.fileLimits.fileMaxBytes) + 1,
        },
        throwFileSizeLimit: false,
      });

      scope.post(
        UPLOADS_PATH,
        {
          // A refused upload is not read to its end: after the answer, the rest of it is read
          // and dropped for a little while (see lingerThenClose), so that a client still sending
          // gets the answer rather than a reset connection, then its connection is closed. A
          // small one is read and dropped in full (`reply.refuse`).
          async onResponse(req, reply) {
            const declared = Number(req.headers['content-length'] ?? NaN);
            if (reply.statusCode !== 201 && !req.raw.complete && !(declared <= SMALL_BODY_BYTES))
              lingerThenClose(req.raw);
          },
          // Refused before a byte of the body is read.
          onRequest: [
            app.refuseWhileDraining,
            async (req, reply) => {
              const auth = await signedIn(req);
              if (auth instanceof AppError) return fail(reply, auth);
              if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
                return fail(
                  reply,
                  new AppError(
                    'UNSUPPORTED_MEDIA_TYPE',
                    `Send the image as multipart/form-data, in a field named "${UPLOAD_FIELD}".`,
                  ),
                );
              }
              const kind = uploadKindOf(req.query);
              if (!kind) {
                return fail(
                  reply,
                  new AppError(
                    'BAD_REQUEST',
                    `The kind of an upload is one of ${UPLOAD_KINDS.join(', ')}.`,
                  ),
                );
              }
              const maxBytes =
                kind === 'image'
                  ? IMAGE_LIMITS.maxBytes
                  : services.attachments.fileLimits.fileMaxBytes;
              const declared = Number(req.headers['content-length'] ?? 0);
              if (declared > maxBytes + MULTIPART_OVERHEAD_BYTES) {
                return fail(
                  reply,
                  new AppError(
                    'PAYLOAD_TOO_LARGE',
                    `The file is larger than ${megabytes(maxBytes)}.`,
                  ),
                );
              }
              req.uploader = auth.user.id;
              req.uploadKind = kind;
              holdUntilAnswered(services, reply);
            },
          ],
        },
        async (req, reply) => {
          const me = req.uploader;
          if (!me) return fail(reply, new AppError('UNAUTHORIZED', 'Sign in to do that.'));
          try {
            const part = await req.file();
            if (!part || part.fieldname !== UPLOAD_FIELD) {
              throw new AppError(
                'BAD_REQUEST',
                `Send the image in a field named "${UPLOAD_FIELD}".`,
              );
            }
            const source = clientStream(part.file);
            const uploaded =
              req.uploadKind === 'file'
                ? await services.attachments.uploadFile(me, source, part.filename)
                : req.uploadKind === 'voice'
                  ? await services.attachments.uploadVoice(me, source)
                  : await services.attachments.upload(me, source);
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

    app.get(
      `${FILES_PATH}/:id/:variant`,
      { onRequest: app.refuseWhileDraining },
      async (req, reply) => {
        const auth = await signedIn(req);
        if (auth instanceof AppError) return fail(reply, auth);
        holdUntilAnswered(services, reply);
        const { id, variant } = req.params as { id: string; variant: string };
        if (!ATTACHMENT_ID.test(id) || !VARIANTS.has(variant)) {
          return fail(reply, new AppError('NOT_FOUND', 'No such file.'));
        }
        try {
          const file = await services.attachments.open(
            auth.user.id,
            id,
            variant as AttachmentBlobName,
          );
          return reply.headers(servingHeaders(file)).send(file.stream);
        } catch (error) {
          if (error instanceof AppError) return fail(reply, error);
          throw error;
        }
      },
    );

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
  },
  {
    name: 'parley-uploads',
    dependencies: ['parley-errors', 'parley-authentication', 'parley-shutdown'],
  },
);
