import type { AppRouter } from '@parley/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  wsLink,
  type TRPCLink,
} from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import superjson from 'superjson';
import type { Auth } from './auth.ts';
import { isUnauthorized } from './errors.ts';
import { CLOSE_CODES, CSRF_HEADER } from './protocol.ts';

/** Every HTTP call: same origin, cookies, and the header that marks us as the browser client. */
export const httpLink = () =>
  httpBatchLink({
    url: '/trpc',
    transformer: superjson,
    headers: { [CSRF_HEADER]: '1' },
    maxItems: 50,
  });

/** For signing in, when there is no session yet. */
export const createPublicClient = () => createTRPCClient<AppRouter>({ links: [httpLink()] });

/**
 * Keeps calls authenticated: refreshes the access token before a call when it is about to expire,
 * and once more (then retries) if the server still answers UNAUTHORIZED.
 */
export function authLink(auth: Pick<Auth, 'ensureFresh' | 'refresh'>): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        if (op.type === 'subscription' || op.path.startsWith('auth.')) {
          return next(op).subscribe(observer);
        }
        let sub: Unsubscribable | null = null;
        let cancelled = false;
        const attempt = (retried: boolean) => {
          sub = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              if (retried || !isUnauthorized(error)) return observer.error(error);
              auth.refresh().then(
                () => !cancelled && attempt(true),
                () => observer.error(error),
              );
            },
          });
        };
        auth
          .ensureFresh()
          .catch(() => undefined)
          .then(() => !cancelled && attempt(false));
        return () => {
          cancelled = true;
          sub?.unsubscribe();
        };
      });
}

export function wsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`;
}

/** Reconnect quickly at first, then back off (with jitter so a restarted server is not stormed). */
export function reconnectDelayMs(attempt: number, random = Math.random): number {
  if (attempt === 0) return 0;
  return Math.round(Math.min(500 * 2 ** (attempt - 1), 8000) * (0.75 + random() / 2));
}

/**
 * The signed-in client: subscriptions over one WebSocket, everything else over batched HTTP.
 * The socket authenticates with the access-token cookie sent on its upgrade request, so the
 * token is made fresh in `url` (before the handshake), not in connectionParams (after it).
 */
export function createSessionClient(auth: Auth, onSessionRevoked: () => void) {
  const wsClient = createWSClient({
    url: async () => {
      await auth.ensureFresh();
      return wsUrl();
    },
    retryDelayMs: (attempt) => reconnectDelayMs(attempt),
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
    onClose(cause) {
      if (cause?.code === CLOSE_CODES.sessionRevoked) onSessionRevoked();
    },
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      authLink(auth),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: httpLink(),
      }),
    ],
  });
  return { client, wsClient };
}

export type ApiClient = ReturnType<typeof createSessionClient>['client'];
export type WsClient = ReturnType<typeof createSessionClient>['wsClient'];
