import {
  initTRPC,
  TRPCError,
  type TRPC_ERROR_CODE_KEY,
  type TRPC_ERROR_CODE_NUMBER,
  type TRPCBuiltRouter,
  type TRPCCreateRouterOptions,
  type TRPCDecorateCreateRouterOptions,
} from '@trpc/server';
import type { Context } from './context.ts';
import type { Authenticated } from './services/auth.ts';
import { SOCKET_ENDED } from './services/connections.ts';
import { AppError } from './errors.ts';
import { CONNECTION_LIMITS } from './limits.ts';
import {
  RESTARTING_MESSAGE,
  SSE_PING_INTERVAL_MS,
  SSE_RECONNECT_AFTER_INACTIVITY_MS,
} from './protocol.ts';
import { transformer } from './transformer.ts';

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

/** The one place where domain errors become tRPC errors; anything unknown stays internal. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    return error.cause instanceof AppError ? toTRPCError(error.cause) : error;
  }
  if (error instanceof AppError)
    return new TRPCError({ code: error.code, message: error.message, cause: error });
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Something went wrong on our side.',
    cause: error,
  });
}

/** `error.data` of every Parley error a client receives. */
export interface ParleyErrorData {
  /** The error's kind, e.g. `'UNAUTHORIZED'`, `'BAD_REQUEST'`, `'TOO_MANY_REQUESTS'`. */
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  /** The procedure's path, when the error belongs to one. */
  path: string | undefined;
  /** Per input field, what is wrong with it (validation errors), else null. */
  fieldErrors: Record<string, string[]> | null;
  /** With TOO_MANY_REQUESTS: when to try again, in seconds; else null. */
  retryAfterSeconds: number | null;
}

/** The shape of every Parley error (`TRPCClientError#shape`). */
export interface ParleyErrorShape {
  /** Readable, safe to show; validation errors list each field's problem. */
  message: string;
  /** The JSON-RPC code of `data.code`. */
  code: TRPC_ERROR_CODE_NUMBER;
  data: ParleyErrorData;
}

/**
 * The server's context as the router's type shows it: nothing. Procedures' inputs and outputs do
 * not involve it, and leaving it opaque keeps the server's services (and their database drivers)
 * out of every client's types. Procedures still see the full `Context` (the procedure builders
 * below are typed with it), and the host's `createContext` is annotated to return it.
 */
export type OpaqueServerContext = object;

/** The root types of every Parley router, as clients see them. */
export interface ParleyRootTypes {
  ctx: OpaqueServerContext;
  meta: object;
  errorShape: ParleyErrorShape;
  transformer: true;
}

const t = initTRPC.context<Context>().create({
  transformer,
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: SSE_PING_INTERVAL_MS },
    client: { reconnectAfterInactivityMs: SSE_RECONNECT_AFTER_INACTIVITY_MS },
  },
  errorFormatter({ shape, error }): ParleyErrorShape {
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

/**
 * `t.router`, typed with the client-facing root types: a router's type names only tRPC's public
 * exports and the procedures' inputs and outputs, so `tsc --declaration` can emit it (no TS2742,
 * trpc/trpc#5004) and a client's type check needs no server package.
 */
export function createRouter<T extends TRPCCreateRouterOptions>(
  record: T,
): TRPCBuiltRouter<ParleyRootTypes, TRPCDecorateCreateRouterOptions<T>> {
  return t.router(record) as unknown as TRPCBuiltRouter<
    ParleyRootTypes,
    TRPCDecorateCreateRouterOptions<T>
  >;
}

interface ConnectionCounts {
  inFlight: number;
  subscriptions: number;
}
/** Keyed by context: one per WebSocket connection, one per HTTP request. */
const countsByContext = new WeakMap<Context, ConnectionCounts>();

function countsOf(ctx: Context): ConnectionCounts {
  let counts = countsByContext.get(ctx);
  if (!counts) countsByContext.set(ctx, (counts = { inFlight: 0, subscriptions: 0 }));
  return counts;
}

function admitSubscription(ctx: Context, counts: ConnectionCounts): () => void {
  if (ctx.transport === 'http') {
    // The host builds an 'sse' context (counted against the connection limits) for an HTTP
    // subscription; any other HTTP context must not hold a stream open.
    throw new TRPCError({
      code: 'METHOD_NOT_SUPPORTED',
      message: 'Subscriptions are served over the WebSocket or as Server-Sent Events (GET).',
    });
  }
  const max = CONNECTION_LIMITS.subscriptionsPerConnection;
  if (counts.subscriptions >= max) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `At most ${max} subscriptions per connection: stop one before starting another.`,
    });
  }
  counts.subscriptions += 1;
  let released = false;
  return () => {
    if (!released) counts.subscriptions -= 1;
    released = true;
  };
}

function admitCall(ctx: Context, counts: ConnectionCounts): () => void {
  if (ctx.services.inflight.draining) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: RESTARTING_MESSAGE });
  }
  const max = CONNECTION_LIMITS.inFlightPerConnection;
  if (counts.inFlight >= max) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `At most ${max} requests at once per connection: wait for answers before sending more.`,
    });
  }
  counts.inFlight += 1;
  const done = ctx.services.inflight.begin();
  return () => {
    counts.inFlight -= 1;
    done();
  };
}

/**
 * The checks of every call, in the one middleware each procedure has (each level of tRPC's
 * middleware chain copies the call's options):
 * - per-connection limits (live subscriptions, calls awaiting an answer), subscriptions over the
 *   WebSocket or an event stream the host counted (see `Context.transport`);
 * - the shutdown drain: while the server drains, new calls are refused and running ones are
 *   waited for;
 * - AppErrors thrown by services become their TRPCErrors.
 * A subscription holds its place until it is stopped (its signal aborts: unsubscribed, or the
 * socket closed), with no wrapper around its items.
 */
async function guarded<R extends { ok: boolean; error?: { cause?: unknown } }>(
  opts: { ctx: Context; type: string; signal: AbortSignal | undefined },
  call: () => Promise<R>,
): Promise<R> {
  const { ctx, type, signal } = opts;
  const counts = countsOf(ctx);
  const subscription = type === 'subscription';
  const release = subscription ? admitSubscription(ctx, counts) : admitCall(ctx, counts);
  let result: R;
  try {
    result = await call();
  } catch (error) {
    release();
    throw error;
  }
  if (subscription && result.ok && signal && !signal.aborted) {
    signal.addEventListener('abort', release, { once: true });
    return result;
  }
  release();
  if (!result.ok && result.error?.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
}

/** Anyone may call it. */
export const publicProcedure = t.procedure.use((opts) => guarded(opts, () => opts.next()));

/**
 * Over a WebSocket the context lives as long as the socket: why it may no longer act for its
 * session (revoked, or its access token expired since it opened), checked in memory on every
 * call. Revocations reach every process's sockets through the bus.
 */
function sessionEnded(ctx: Context, auth: Authenticated): string | null {
  if (ctx.socketSession?.ended) return ctx.socketSession.ended;
  if (auth.accessTokenExpiresAt <= ctx.services.now()) return SOCKET_ENDED.tokenExpired;
  return null;
}

/** The caller's live session, or why it may not act. */
function requireAuth(ctx: Context): Authenticated {
  const { auth } = ctx;
  if (!auth)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authError ?? 'Sign in to do that.' });
  const ended = sessionEnded(ctx, auth);
  if (ended) throw new TRPCError({ code: 'UNAUTHORIZED', message: ended });
  return auth;
}

/** Needs a valid access token of a live session; `ctx.auth` is set. */
export const protectedProcedure = t.procedure.use((opts) =>
  guarded(opts, () => opts.next({ ctx: { auth: requireAuth(opts.ctx) } })),
);
