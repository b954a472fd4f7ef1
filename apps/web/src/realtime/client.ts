import type { AppRouter } from '@parley/api';
import {
  createTRPCClient,
  createWSClient,
  httpSubscriptionLink,
  splitLink,
  wsLink,
  type Operation,
  type TRPCLink,
} from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import superjson from 'superjson';
import { CLOSE_CODES } from '@parley/api/protocol';
import type { Auth } from '../auth/auth.ts';
import { httpLink } from '../auth/http.ts';
import { isUnauthorized } from '../lib/errors.ts';

/**
 * Keeps HTTP calls authenticated: refreshes the access token before a call when it is about to
 * expire, and once more (then retries) if the server still answers UNAUTHORIZED. Calls over the
 * socket ride on the socket's own authentication (the server closes it when its token expires).
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
 * Which way a call goes: subscriptions over the socket; `auth.*` over HTTP (it sets cookies);
 * queries and mutations over the socket while it is open, over HTTP before it opens and while it
 * reconnects (a call never waits for, nor opens, a socket).
 */
export function overSocket(op: Pick<Operation, 'type' | 'path'>, socketOpen: boolean): boolean {
  if (op.type === 'subscription') return true;
  if (op.path.startsWith('auth.')) return false;
  return socketOpen;
}

/** The socket's state as tRPC's client reports it (`connectionState`). */
interface SocketState {
  state: 'idle' | 'connecting' | 'pending';
  error: unknown;
}

/**
 * Decides when to give up on the WebSocket: until a socket has opened once, a failed attempt asks
 * `probe()` whether the server answers over HTTP; if it does (a proxy blocks the upgrade), the
 * client falls back to Server-Sent Events for the rest of the session (`activate`). Returns the
 * fallback's state and how to watch it.
 */
export function watchForFallback(
  states: { subscribe(o: { next(s: SocketState): void }): { unsubscribe(): void } },
  probe: () => Promise<boolean>,
  activate: () => void,
) {
  let opened = false;
  let active = false;
  let probing = false;
  const listeners = new Set<() => void>();
  const watch = states.subscribe({
    next(s) {
      if (s.state === 'pending') opened = true;
      if (opened || active || probing || s.state !== 'connecting' || !s.error) return;
      probing = true;
      probe()
        .catch(() => false)
        .then((reachable) => {
          probing = false;
          if (!reachable || opened || active) return;
          active = true;
          watch.unsubscribe();
          activate();
          for (const listener of [...listeners]) listener();
        });
    },
  });
  return {
    get active() {
      return active;
    },
    /** Called once, when the client falls back. */
    onActivate(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type Fallback = ReturnType<typeof watchForFallback>;

/**
 * The signed-in client: one WebSocket for the event stream and, while it is open, every query
 * and mutation; batched HTTP otherwise. The socket authenticates with the access-token cookie
 * sent on its upgrade request, so the token is made fresh in `url` (before the handshake). When
 * the WebSocket cannot open but HTTP works (a proxy that blocks upgrades), the event stream falls
 * back to Server-Sent Events (`fallback`), authenticated by the same cookie.
 */
export function createSessionClient(auth: Auth, onSessionRevoked: () => void) {
  const canUseSockets = typeof WebSocket !== 'undefined';
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
  const fallback = watchForFallback(
    wsClient.connectionState,
    async () => {
      // The server answers over HTTP (and is not draining): the WebSocket is what is blocked.
      const response = await fetch('/healthz', { cache: 'no-store' });
      await response.body?.cancel();
      return response.ok;
    },
    () => void wsClient.close(),
  );
  const socketOpen = () => canUseSockets && wsClient.connectionState.get().state === 'pending';
  const client = createTRPCClient<AppRouter>({
    links: [
      authLink(auth),
      splitLink({
        condition: (op) => op.type === 'subscription' && fallback.active,
        true: httpSubscriptionLink({
          url: '/trpc',
          transformer: superjson,
          eventSourceOptions: { withCredentials: true },
        }),
        false: splitLink({
          condition: (op) => overSocket(op, socketOpen()),
          true: wsLink({ client: wsClient, transformer: superjson }),
          false: httpLink(),
        }),
      }),
    ],
  });
  return { client, wsClient, fallback };
}

export type ApiClient = ReturnType<typeof createSessionClient>['client'];
export type WsClient = ReturnType<typeof createSessionClient>['wsClient'];
