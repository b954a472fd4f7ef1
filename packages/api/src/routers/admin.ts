import { reportsInput, resolveReportInput } from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

/** For the server's administrators (ADMIN_USERNAMES) only. */
export const adminRouter = createRouter({
  /** Reports by status, newest first, with what was said. */
  reports: protectedProcedure
    .input(reportsInput)
    .query(({ ctx, input }) => ctx.services.safety.reports(ctx.auth.user.username, input)),

  resolveReport: protectedProcedure
    .input(resolveReportInput)
    .mutation(({ ctx, input }) => ctx.services.safety.resolveReport(ctx.auth.user, input)),
});
