import type { AppRouter } from './router.ts';
import { MAX_BATCH_SIZE } from '@parley/api/protocol';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  wsLink,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import superjson from 'superjson';
import NodeWebSocket from 'ws';
import { deliverOnceLink } from './deliver-once-link.ts';
import { holdWhileReconnecting } from './hold-while-reconnecting.ts';
import { createSessionKeeper, type StoredSession } from './session.ts';
import { silenceReplacedSockets } from './silence-replaced-sockets.ts';

export interface ParleyClientOptions {
  /** The server's origin, e.g. `http://localhost:3000`. */
  url: string;
  /** Sign in with these when there is no session, and again whenever the session ends. */
  credentials?: { login: string; password: string };
  /** A session kept from before (see `onSessionChange`). */
  session?: StoredSession;
  /** Called with every new token pair, and with null when signed out. */
  onSessionChange?: (session: StoredSession | null) => void;
  /**
   * `'websocket'` (default): every call over the one WebSocket, no HTTP request per message.
   * `'split'`: subscriptions over the WebSocket, queries and mutations over batched HTTP.
   */
  transport?: 'websocket' | 'split';
  /** A WebSocket implementation; defaults to the global one, or `ws` on Node. */
  WebSocket?: typeof globalThis.WebSocket;
  /** Socket state changes, e.g. to show "reconnecting". */
  onConnectionChange?: (state: 'open' | 'closed', closeCode?: number) => void;
}

/** Backoff for reconnects: 0.5 s doubling to 30 s, with jitter so a restart does not cause a storm. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(base * (0.5 + Math.random() / 2));
}

/**
 * A fully typed Parley client: superjson, auth (Bearer over HTTP, connectionParams over the
 * WebSocket), token refresh before expiry, reconnect with backoff, and `chat.events` resuming
 * after the last event it saw.
 */
export function createParleyClient(opts: ParleyClientOptions) {
  const trpcUrl = `${opts.url.replace(/\/$/, '')}/trpc`;
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

  const socket = createWSClient({
    url: trpcUrl.replace(/^http/, 'ws'),
    WebSocket: silenceReplacedSockets(WebSocketImpl),
    lazy: { enabled: true, closeMs: 60_000 },
    retryDelayMs: reconnectDelayMs,
    connectionParams: async () => {
      const token = await sessions.accessToken();
      return token ? { token } : {};
    },
    onOpen: () => opts.onConnectionChange?.('open'),
    onClose: (cause) => opts.onConnectionChange?.('closed', cause?.code),
  });

  // Every operation over the socket waits while it reconnects, and each event reaches onData once.
  const overSocket: TRPCLink<AppRouter>[] = [
    holdWhileReconnecting(socket),
    deliverOnceLink(),
    wsLink<AppRouter>({ client: socket, transformer: superjson }),
  ];
  const authorised = http(async (): Promise<Record<string, string>> => {
    const token = await sessions.accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  });
  const links =
    opts.transport === 'split'
      ? [
          splitLink({
            condition: (op) => op.type === 'subscription',
            true: overSocket,
            false: authorised,
          }),
        ]
      : overSocket;
  const trpc: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({ links });

  return {
    /** The typed router client: `trpc.chat.send.mutate(...)`, `trpc.chat.events.subscribe(...)`, ... */
    trpc,
    /** Signs up and keeps the session. */
    async signup(input: {
      username: string;
      email: string;
      password: string;
      displayName?: string;
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
    /** Closes the WebSocket. */
    close() {
      return socket.close();
    },
  };
}

export type ParleyClient = ReturnType<typeof createParleyClient>;
