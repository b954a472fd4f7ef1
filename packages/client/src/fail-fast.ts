import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import superjson from 'superjson';
import type { AppRouter } from './router.ts';
import type { SessionKeeper } from './session.ts';

/** Procedures that sign in: they need no access token (and must not wait for one). */
const SIGN_IN = new Set(['auth.signup', 'auth.login', 'auth.refresh']);

/** The refusal a server sends before closing a socket whose connection it did not accept. */
export function refusalOf(data: unknown): TRPCClientError<AppRouter> | null {
  if (typeof data !== 'string' || !data.startsWith('{')) return null;
  try {
    const frame = JSON.parse(data) as { id?: unknown; error?: unknown };
    if (frame.id !== null || typeof frame.error !== 'object' || frame.error === null) return null;
    const error = superjson.deserialize(frame.error as Parameters<typeof superjson.deserialize>[0]);
    return TRPCClientError.from<AppRouter>({ error } as never);
  } catch {
    return null;
  }
}

/**
 * Fails fast instead of reconnecting forever when the client cannot be signed in:
 * - every operation (but signing in) first gets a valid access token: if signing in with the
 *   credentials fails (wrong password), the operation rejects with that typed error
 *   (`UNAUTHORIZED`) and no socket is opened;
 * - when the server refuses a socket's token (`refused(error)`: revoked session, expired token),
 *   the token is renewed (refresh, then the credentials); if that fails, every operation in
 *   flight rejects with the server's typed refusal, so nothing is left for the socket to
 *   reconnect for.
 */
export function createAuthGate(sessions: SessionKeeper) {
  const inFlight = new Set<(error: TRPCClientError<AppRouter>) => void>();
  const stoppers = new Set<() => void>();
  let renewing: Promise<void> | null = null;

  function failAll(error: TRPCClientError<AppRouter>) {
    for (const fail of [...inFlight]) fail(error);
  }

  return {
    /** The server refused a connection's token (or closed it for its session): renew or fail. */
    refused(error: TRPCClientError<AppRouter>) {
      sessions.expire();
      renewing ??= sessions
        .accessToken()
        .then(
          (token) => {
            if (!token) failAll(error);
          },
          (cause: unknown) => failAll(asClientError(cause)),
        )
        .finally(() => (renewing = null));
    },
    /** Stops every operation in flight: subscriptions complete, calls fail. */
    stopAll() {
      for (const stop of [...stoppers]) stop();
    },
    link:
      (): TRPCLink<AppRouter> =>
      () =>
      ({ op, next }) =>
        observable((observer) => {
          let downstream: Unsubscribable | null = null;
          let done = false;
          const finish = () => {
            done = true;
            inFlight.delete(fail);
            stoppers.delete(stop);
          };
          const stop = () => {
            if (done) return;
            finish();
            downstream?.unsubscribe();
            if (op.type === 'subscription') observer.complete();
            else
              observer.error(TRPCClientError.from<AppRouter>(new Error('The client was closed.')));
          };
          stoppers.add(stop);
          const fail = (error: TRPCClientError<AppRouter>) => {
            if (done) return;
            finish();
            downstream?.unsubscribe();
            observer.error(error);
          };
          const start = () => {
            if (done) return;
            inFlight.add(fail);
            downstream = next(op).subscribe({
              next: (value) => observer.next(value),
              error: (error) => {
                finish();
                observer.error(error);
              },
              complete: () => {
                finish();
                observer.complete();
              },
            });
          };
          if (SIGN_IN.has(op.path)) start();
          else sessions.accessToken().then(start, (cause: unknown) => fail(asClientError(cause)));
          return () => {
            finish();
            downstream?.unsubscribe();
          };
        }),
  };
}

function asClientError(cause: unknown): TRPCClientError<AppRouter> {
  return cause instanceof TRPCClientError
    ? (cause as TRPCClientError<AppRouter>)
    : TRPCClientError.from<AppRouter>(cause instanceof Error ? cause : new Error(String(cause)));
}
