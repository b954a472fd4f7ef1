import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_BATCH_SIZE, type AppRouter, type ChatEvent } from '@parley/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import { loadConfig, startServer, type RunningServer, type ServerOverrides } from '../src/index.ts';
import { waitFor } from '@parley/testing';

export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl: string;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

const GENEROUS_LIMITS = {
  signupPerIpPerHour: 10_000,
  loginPerIpPerMinute: 10_000,
  loginPerAccountPer15Minutes: 10_000,
  sendPerUserPerSecond: 10_000,
  typingPerUserPerSecond: 10_000,
  groupChangePerUserPerMinute: 10_000,
};

/** A real server on a free port with a fresh SQLite file; rate limits are lifted unless given. */
export async function startTestServer(
  opts: {
    overrides?: ServerOverrides;
    env?: Record<string, string>;
    dataDir?: string;
    port?: number;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'parley-test-')));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(opts.port ?? 0),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const server = await startServer(config, { rateLimits: GENEROUS_LIMITS, ...opts.overrides });
  return {
    ...server,
    dataDir,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/trpc`,
    async destroy() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The stock tRPC HTTP client, optionally with a bearer token. */
export function httpClient(
  server: { url: string },
  token?: () => string | undefined,
  headers: Record<string, string> = {},
) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        transformer: superjson,
        maxItems: MAX_BATCH_SIZE,
        headers: () => {
          const t = token?.();
          return t ? { ...headers, authorization: `Bearer ${t}` } : headers;
        },
      }),
    ],
  });
}

/** The stock tRPC WebSocket client (every operation over the socket), authenticated by connectionParams. */
export function wsClient(
  server: { wsUrl: string },
  token?: () => string | undefined,
  opts: {
    onClose?: (cause?: { code?: number }) => void;
    retryDelayMs?: (attempt: number) => number;
  } = {},
) {
  const socket = createWSClient({
    url: server.wsUrl,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => {
      const t = token?.();
      return t ? { token: t } : {};
    },
    retryDelayMs: opts.retryDelayMs ?? (() => 100),
    onClose: opts.onClose,
  });
  const client = createTRPCClient<AppRouter>({
    links: [wsLink({ client: socket, transformer: superjson })],
  });
  return { client, socket, close: () => socket.close() };
}

let counter = 0;
/** Signs up a fresh user over HTTP; returns its session and a client bound to it. */
export async function signUp(
  server: { url: string },
  name = 'user',
  opts: { exact?: boolean } = {},
) {
  counter += 1;
  const username = opts.exact
    ? name
    : `${name}${counter}_${Math.random().toString(36).slice(2, 8)}`.slice(0, 32);
  const password = `correct horse ${username}`;
  const session = await httpClient(server).auth.signup.mutate({
    username,
    email: `${username}@example.com`,
    password,
  });
  let token = session.accessToken;
  return {
    session,
    username,
    password,
    user: session.user,
    token: () => token,
    setToken: (t: string) => (token = t),
    http: httpClient(server, () => token),
  };
}

/** The TRPCClientError of a rejected call, for asserting on its code and data. */
export async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return error as TRPCClientError<AppRouter>;
    }
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export { waitFor };

type Client = ReturnType<typeof wsClient>['client'];
type Item = { id: string; data: ChatEvent };

/** Subscribes to `chat.events` and records every item, in order. */
export function collectEvents(client: Client, lastEventId?: string) {
  const items: Item[] = [];
  const errors: unknown[] = [];
  const subscription = client.chat.events.subscribe(lastEventId ? { lastEventId } : {}, {
    onData: (item) => items.push(item),
    onError: (error) => errors.push(error),
  });
  const of = <T extends ChatEvent['type']>(type: T) =>
    items.map((i) => i.data).filter((d): d is Extract<ChatEvent, { type: T }> => d.type === type);
  return {
    items,
    errors,
    of,
    /** Resolves after the replay is over (the first `ready`). */
    ready: () => waitFor(() => of('ready').length > 0, 10_000, 'the event stream to be ready'),
    unsubscribe: () => subscription.unsubscribe(),
  };
}

type Http = ReturnType<typeof httpClient>;

/** The id of my direct conversation with `peerId` (it must exist). */
export async function directConversationId(client: Http, peerId: string): Promise<string> {
  const { items } = await client.chat.conversations.query({ limit: 100 });
  const found = items.find((c) => c.peer?.id === peerId);
  if (!found) throw new Error(`no conversation with ${peerId}`);
  return found.id;
}

/** Every message of a conversation I may see, oldest first, from the server's history pages. */
export async function wholeHistory(client: Http, conversationId: string) {
  type Page = Awaited<ReturnType<Http['chat']['history']['query']>>;
  const pages: Page['items'][] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await client.chat.history.query({ conversationId, cursor, limit: 100 });
    pages.unshift(page.items);
    cursor = page.olderCursor;
  } while (cursor);
  return pages.flat();
}
