import { TRPCError } from '@trpc/server';
import type { Context } from '../context.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../protocol.ts';
import { loginInput, refreshInput, signupInput } from '../schemas.ts';
import type { SessionTokens } from '../services/auth.ts';
import { createRouter, protectedProcedure, publicProcedure } from '../trpc.ts';

const COOKIE_PATH = '/';

/** Browsers keep tokens in httpOnly cookies; other clients get them in the body. */
function deliver(ctx: Context, tokens: SessionTokens) {
  const inCookies = ctx.browser && ctx.cookies !== null;
  if (inCookies) {
    const seconds = (until: Date) =>
      Math.max(0, Math.floor((until.getTime() - ctx.services.now().getTime()) / 1000));
    ctx.cookies?.set(ACCESS_COOKIE, tokens.accessToken, {
      maxAgeSeconds: seconds(tokens.accessTokenExpiresAt),
      path: COOKIE_PATH,
    });
    ctx.cookies?.set(REFRESH_COOKIE, tokens.refreshToken, {
      maxAgeSeconds: seconds(tokens.refreshTokenExpiresAt),
      path: COOKIE_PATH,
    });
  }
  return {
    user: tokens.user,
    sessionId: tokens.sessionId,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    /** Null for browsers: theirs is in an httpOnly cookie. */
    refreshToken: inCookies ? null : tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
  };
}

function clearCookies(ctx: Context) {
  ctx.cookies?.clear(ACCESS_COOKIE, { path: COOKIE_PATH });
  ctx.cookies?.clear(REFRESH_COOKIE, { path: COOKIE_PATH });
}

export const authRouter = createRouter({
  signup: publicProcedure
    .input(signupInput)
    .mutation(async ({ ctx, input }) =>
      deliver(ctx, await ctx.services.auth.signup(input, ctx.client)),
    ),

  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) =>
      deliver(ctx, await ctx.services.auth.login(input, ctx.client)),
    ),

  refresh: publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
    const token = input?.refreshToken ?? ctx.cookies?.get(REFRESH_COOKIE);
    if (!token)
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'No refresh token: sign in again.' });
    try {
      return deliver(ctx, await ctx.services.auth.refresh(token));
    } catch (error) {
      clearCookies(ctx);
      throw error;
    }
  }),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.auth.logout(ctx.auth.session.id);
    clearCookies(ctx);
    return { ok: true as const };
  }),

  /**
   * The signed-in user; `isAdmin`: one of the server's administrators (ADMIN_USERNAMES);
   * `editWindowMs`: how long after sending a message its sender may edit it or delete it for
   * everyone (MESSAGE_EDIT_WINDOW_HOURS; 0: never).
   */
  me: protectedProcedure.query(async ({ ctx }) => ({
    ...(await ctx.services.users.requireUser(ctx.auth.user.id)),
    isAdmin: ctx.services.safety.isAdmin(ctx.auth.user.username),
    editWindowMs: ctx.services.actions.editWindowMs,
  })),
});
