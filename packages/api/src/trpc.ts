import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Context } from './context.ts';
import { AppError, toTRPCError } from './errors.ts';

interface Issue {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

function validationIssues(cause: unknown): Issue[] | null {
  if (cause && typeof cause === 'object' && 'issues' in cause && Array.isArray(cause.issues)) {
    return cause.issues as Issue[];
  }
  return null;
}

function pathOf(issue: Issue): string {
  return (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
}

function fieldErrorsOf(issues: Issue[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) (fields[pathOf(issue) || '_'] ??= []).push(issue.message);
  return fields;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  isDev: false,
  errorFormatter({ shape, error }) {
    const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
    const app = error.cause instanceof AppError ? error.cause : null;
    const message = issues
      ? issues.map((i) => (pathOf(i) ? `${pathOf(i)}: ${i.message}` : i.message)).join('; ')
      : error.code === 'INTERNAL_SERVER_ERROR'
        ? 'Something went wrong on our side.'
        : shape.message;
    return {
      message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        /** Per input field, what is wrong with it. */
        fieldErrors: issues ? fieldErrorsOf(issues) : (app?.details.fieldErrors ?? null),
        /** With TOO_MANY_REQUESTS: when to try again. */
        retryAfterSeconds: app?.details.retryAfterSeconds ?? null,
      },
    };
  },
});

export const createRouter = t.router;

const convertErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
});

const csrfGuard = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.hasAuthCookies && !ctx.browser) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This request is missing its CSRF header.' });
  }
  return next();
});

/** Anyone may call it. */
export const publicProcedure = t.procedure.use(convertErrors).use(csrfGuard);

/** Needs a valid access token of a live session; `ctx.auth` is set. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authError ?? 'Sign in to do that.' });
  return next({ ctx: { ...ctx, auth: ctx.auth } });
});
