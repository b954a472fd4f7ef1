import {
  pageInput,
  profileInput,
  reportInput,
  searchInput,
  settingsInput,
  userInput,
  usersInput,
} from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

export const usersRouter = createRouter({
  list: protectedProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.users.list(ctx.auth.user.id, input)),

  /** People by id, with presence (unknown ids are left out). */
  get: protectedProcedure
    .input(usersInput)
    .query(({ ctx, input }) => ctx.services.users.get(ctx.auth.user.id, input.ids)),

  search: protectedProcedure
    .input(searchInput)
    .query(({ ctx, input }) => ctx.services.users.search(ctx.auth.user.id, input)),

  updateProfile: protectedProcedure
    .input(profileInput)
    .mutation(({ ctx, input }) => ctx.services.users.updateProfile(ctx.auth.user.id, input)),

  /** They can no longer message me, add me to groups, see my presence, picture or typing. */
  block: protectedProcedure
    .input(userInput)
    .mutation(({ ctx, input }) => ctx.services.safety.block(ctx.auth.user.id, input.userId)),

  unblock: protectedProcedure
    .input(userInput)
    .mutation(({ ctx, input }) => ctx.services.safety.unblock(ctx.auth.user.id, input.userId)),

  /** Whom I blocked, most recent first. */
  blocked: protectedProcedure.query(({ ctx }) => ctx.services.safety.blocked(ctx.auth.user.id)),

  /** A person, or a message I may read, reported to the server's administrators. */
  report: protectedProcedure
    .input(reportInput)
    .mutation(({ ctx, input }) => ctx.services.safety.report(ctx.auth.user.id, input)),

  /** My privacy settings. */
  settings: protectedProcedure.query(({ ctx }) => ctx.services.safety.settings(ctx.auth.user.id)),

  updateSettings: protectedProcedure
    .input(settingsInput)
    .mutation(({ ctx, input }) => ctx.services.safety.updateSettings(ctx.auth.user.id, input)),
});
