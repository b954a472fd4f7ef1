import { pageInput, profileInput, searchInput } from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

export const usersRouter = createRouter({
  list: protectedProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.users.list(ctx.auth.user.id, input)),

  search: protectedProcedure
    .input(searchInput)
    .query(({ ctx, input }) => ctx.services.users.search(ctx.auth.user.id, input)),

  updateProfile: protectedProcedure
    .input(profileInput)
    .mutation(({ ctx, input }) => ctx.services.users.updateProfile(ctx.auth.user.id, input)),
});
