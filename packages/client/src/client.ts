import type { ChatEventItem } from '@parley/api';
import { CLOSE_CODES, MAX_BATCH_SIZE } from '@parley/api/protocol';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  wsLink,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import superjson from 'superjson';
import NodeWebSocket from 'ws';
import { reconnectDelayMs } from './backoff.ts';
import { deliverOnceLink } from './deliver-once-link.ts';
import type { ParleyError } from './errors.ts';
import { FetchEventSource } from './event-source.ts';
import { createAuthGate, refusalOf } from './fail-fast.ts';
import { holdWhileReconnecting } from './hold-while-reconnecting.ts';
import type { AppRouter } from './router.ts';
import { createSessionKeeper, type StoredSession } from './session.ts';
import { silenceReplacedSockets } from './silence-replaced-sockets.ts';
import { createTransportSwitch } from './transport-switch.ts';

export { reconnectDelayMs };

/** How the client talks to the server. */
export type ParleyTransport = 'auto' | 'websocket' | 'split' | 'sse';

export interface ParleyClientOptions {
  /** The server's origin, e.g. `http://localhost:3000`. */
  url: string;
  /** Sign in with these when there is no session, and again whenever the session ends. */
  credentials?: { login: string; password: string } | undefined;
  /** A session kept from before (see `onSessionChange`). */
  session?: StoredSession | undefined;
  /** Called with every new token pair, and with null when signed out. */
  onSessionChange?: ((session: StoredSession | null) => void) | undefined;
  /**
   * - `'auto'` (default): every call over one WebSocket; if the WebSocket cannot open (a proxy
   *   blocks upgrades) while HTTP gets through, falls back to `'sse'` for the client's life.
   * - `'websocket'`: every call over the one WebSocket, no fallback.
   * - `'split'`: subscriptions over the WebSocket, queries and mutations over batched HTTP.
   * - `'sse'`: no WebSocket: subscriptions as Server-Sent Events, the rest over batched HTTP.
   */
  transport?: ParleyTransport | undefined;
  /** A WebSocket implementation; defaults to the global one, or `ws` on Node. */
  WebSocket?: typeof globalThis.WebSocket | undefined;
  /**
   * An EventSource implementation for `'sse'`; defaults to `FetchEventSource` (built on `fetch`,
   * sends the access token as `Authorization: Bearer`).
   */
  EventSource?: typeof FetchEventSource | undefined;
  /** Socket state changes, e.g. to show "reconnecting". */
  onConnectionChange?: ((state: 'open' | 'closed', closeCode?: number) => void) | undefined;
  /** Called once if `'auto'` falls back from the WebSocket to Server-Sent Events. */
  onFallback?: (() => void) | undefined;
}

/**
 * A fully typed Parley client: superjson, auth (Bearer over HTTP, connectionParams over the
 * WebSocket), token refresh before expiry, reconnect with backoff, `chat.events` resuming after
 * the last event it saw, a fallback to Server-Sent Events when WebSockets are blocked, and a
 * typed `UNAUTHORIZED` instead of endless reconnects when it cannot sign in.
 */
export function createParleyClient(opts: ParleyClientOptions) {
  const origin = opts.url.replace(/\/$/, '');
  const trpcUrl = `${origin}/trpc`;
  const transport = opts.transport ?? 'auto';
  const WebSocketImpl =
    opts.WebSocket ??
    globalThis.WebSocket ??
    (NodeWebSocket as unknown as typeof globalThis.WebSocket);
  const http = (headers?: () => Promise<Record<string, string>>) =>
    httpBatchLink({
      url: trpcUrl,
      transformer: superjson,
      maxItems: MAX_BATCH_SIZE,
      ...(headers ? { headers } : {}),
    });
  const anonymous = createTRPCClient<AppRouter>({ links: [http()] });
  const sessions = createSessionKeeper({
    anonymous: () => anonymous,
    credentials: opts.credentials,
    initial: opts.session,
    onChange: opts.onSessionChange,
  });
  const gate = createAuthGate(sessions);
  const authHeaders = async (): Promise<Record<string, string>> => {
    const token = await sessions.accessToken().catch(() => undefined);
    return token ? { authorization: `Bearer ${token}` } : {};
  };

  const switcher = createTransportSwitch({
    async probe() {
      // The server answers over HTTP (and is not draining): the WebSocket is what is blocked.
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      return response.ok;
    },
    onSwitch() {
      void socket.close();
      opts.onFallback?.();
    },
  });

  /** Sockets that tell the gate when the server refused their token. */
  class Refusable extends (silenceReplacedSockets(WebSocketImpl) as unknown as new (
    ...args: unknown[]
  ) => EventTarget) {
    constructor(...args: unknown[]) {
      super(...args);
      this.addEventListener('message', (event) => {
        const refusal = refusalOf((event as MessageEvent).data);
        const code = refusal?.data?.code;
        if (refusal && (code === 'UNAUTHORIZED' || code === 'FORBIDDEN')) gate.refused(refusal);
      });
    }
  }

  const socket = createWSClient({
    url: trpcUrl.replace(/^http/, 'ws'),
    WebSocket:
      transport === 'auto'
        ? switcher.watch(Refusable as unknown as typeof globalThis.WebSocket)
        : (Refusable as unknown as typeof globalThis.WebSocket),
    lazy: { enabled: true, closeMs: 60_000 },
    retryDelayMs: reconnectDelayMs,
    connectionParams: async () => {
      // Signing in failed: an anonymous socket answers each call with a typed UNAUTHORIZED.
      const token = await sessions.accessToken().catch(() => undefined);
      return token ? { token } : {};
    },
    onOpen: () => opts.onConnectionChange?.('open'),
    onClose: (cause) => {
      // The session was revoked, or the token expired: renew before reconnecting.
      if (cause?.code === CLOSE_CODES.sessionRevoked || cause?.code === CLOSE_CODES.tokenExpired)
        sessions.expire();
      opts.onConnectionChange?.('closed', cause?.code);
    },
  });

  // Every operation over the socket waits while it reconnects, and each event reaches onData once.
  const overSocket: TRPCLink<AppRouter>[] = [
    holdWhileReconnecting(socket),
    wsLink<AppRouter>({ client: socket, transformer: superjson }),
  ];
  const authorised = http(authHeaders);
  const overHttp = splitLink<AppRouter>({
    condition: (op) => op.type === 'subscription',
    true: httpSubscriptionLink<AppRouter, typeof FetchEventSource>({
      url: trpcUrl,
      transformer: superjson,
      EventSource: opts.EventSource ?? FetchEventSource,
      eventSourceOptions: () => ({ headers: authHeaders }),
    }),
    false: authorised,
  });
  const bySocket =
    transport === 'split'
      ? splitLink<AppRouter>({
          condition: (op) => op.type === 'subscription',
          true: overSocket,
          false: authorised,
        })
      : overSocket;
  const chosen: TRPCLink<AppRouter>[] =
    transport === 'sse'
      ? [overHttp]
      : transport === 'auto'
        ? [
            switcher.link(),
            splitLink<AppRouter>({
              condition: () => switcher.mode === 'http',
              true: overHttp,
              false: bySocket,
            }),
          ]
        : Array.isArray(bySocket)
          ? bySocket
          : [bySocket];
  const trpc: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
    links: [gate.link(), deliverOnceLink(), ...chosen],
  });

  return {
    /** The typed router client: `trpc.chat.send.mutate(...)`, `trpc.chat.events.subscribe(...)`, ... */
    trpc,
    /**
     * Subscribes to `chat.events` and resolves once the server has replayed what was missed and
     * is live (the `ready` event): a message sent after that is not lost. Every item, `ready`
     * included, goes to `onEvent`, each durable event once, in order. Rejects (typed) if the
     * subscription fails before it is ready; later errors go to `onError`.
     *
     * ```ts
     * const events = await parley.subscribe(({ data }) => { ... });
     * await parley.trpc.chat.send.mutate({ ... }); // its message.new reaches onEvent
     * events.unsubscribe();
     * ```
     */
    subscribe(
      onEvent: (item: ChatEventItem) => void,
      options: {
        /** Resume after this event (from an earlier item's `id`); default: from now. */
        lastEventId?: string | null | undefined;
        onError?: ((error: ParleyError) => void) | undefined;
      } = {},
    ): Promise<{ unsubscribe(): void }> {
      return new Promise((resolve, reject) => {
        let ready = false;
        const subscription = trpc.chat.events.subscribe(
          options.lastEventId ? { lastEventId: options.lastEventId } : {},
          {
            onData(item) {
              onEvent(item);
              if (!ready && item.data.type === 'ready') {
                ready = true;
                resolve({ unsubscribe: () => subscription.unsubscribe() });
              }
            },
            onError(error) {
              if (ready) options.onError?.(error);
              else reject(error);
            },
          },
        );
      });
    },
    /** Signs up and keeps the session. */
    async signup(input: {
      username: string;
      email: string;
      password: string;
      displayName?: string | undefined;
    }) {
      return sessions.keep(await anonymous.auth.signup.mutate(input));
    },
    /** Signs in and keeps the session. */
    async login(input: { login: string; password: string }) {
      return sessions.keep(await anonymous.auth.login.mutate(input));
    },
    /** Ends the session on the server (its sockets close everywhere) and forgets it here. */
    async logout() {
      await trpc.auth.logout.mutate();
      sessions.clear();
    },
    get session() {
      return sessions.current;
    },
    /** `'websocket'` or, after a fallback (or with `transport: 'sse'`), `'sse'`. */
    get transport(): 'websocket' | 'sse' {
      return transport === 'sse' || switcher.mode === 'http' ? 'sse' : 'websocket';
    },
    /** Stops every subscription and closes the WebSocket. */
    close() {
      gate.stopAll();
      return socket.close();
    },
  };
}

export type ParleyClient = ReturnType<typeof createParleyClient>;
