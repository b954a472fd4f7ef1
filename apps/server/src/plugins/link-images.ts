import { AppError, LINK_IMAGES_PATH, type Services } from '@parley/api';
import fp from 'fastify-plugin';

/**
 * `GET /api/link-images/:name`: the picture of a link preview (re-encoded by the server), to
 * anyone signed in (bearer token or session cookie). Errors are `{ error, message }`.
 */
export const linkImagesPlugin = fp(
  async (app, opts: { services: Services }) => {
    const { services } = opts;
    app.get(
      `${LINK_IMAGES_PATH}/:name`,
      { onRequest: app.refuseWhileDraining },
      async (req, reply) => {
        const { auth, authError } = await req.caller();
        if (!auth) return reply.refuse('UNAUTHORIZED', authError ?? 'Sign in to do that.');
        try {
          const file = await services.linkPreviews.openImage((req.params as { name: string }).name);
          return await reply
            .header('content-type', file.mime)
            .header('content-length', String(file.size))
            .header('cache-control', 'private, max-age=86400')
            .header('x-content-type-options', 'nosniff')
            .header('content-disposition', 'inline')
            .send(file.stream);
        } catch (error) {
          if (error instanceof AppError) return reply.refuse(error.code, error.message);
          throw error;
        }
      },
    );
  },
  {
    name: 'parley-link-images',
    dependencies: ['parley-errors', 'parley-authentication', 'parley-shutdown'],
  },
);
