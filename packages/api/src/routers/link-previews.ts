import { linkPreviewInput } from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

export const linkPreviewsRouter = createRouter({
  /**
   * The preview of a web page (title, description, site name, picture), fetched by the server
   * from public addresses only and cached. No preview: a typed error saying why (BAD_REQUEST,
   * FORBIDDEN, UNSUPPORTED_MEDIA_TYPE, NOT_FOUND).
   */
  get: protectedProcedure
    .input(linkPreviewInput)
    .query(({ ctx, input }) => ctx.services.linkPreviews.preview(ctx.auth.user.id, input.url)),
});
