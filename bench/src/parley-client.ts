/**
 * Parley's protocol as the load generator speaks it, through the stock `@trpc/client`
 * (`createWSClient` + `wsLink`, superjson): every user has its own WebSocket subscribed to
 * `chat.events`, and sends with `chat.send` over it (or over HTTP). Everything Parley-specific
 * of the load generator is in this file.
 */
import type { AppRouter, ChatEvent } from '@parley/api';
import { holdWhileReconnecting, reconnectDelayMs } from '@parley/client';
import { createTRPCClient, createWSClient, httpLink, TRPCClientError, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type { ClientEvents, LoadClient, LoadProtocol } from './load-client.ts';
import type { BenchUser } from './protocol.ts';

const DURABLE = new Set(['message.new', 'receipts', 'conversation.read']);

/**
 * Feeds `chat.events` to the load generator. Durable event ids must grow on every socket: one
 * that does not is a repeat. (They are positions in one log for the whole server, so a user's
 * ids skip the events of conversations they are not in: loss is found by clientMessageId.)
 */
function eventHandler(events: ClientEvents) {
  let lastDurable: number | null = null;
  return (item: { id: string; data: ChatEvent }) => {
    const { data } = item;
    if (data.type === 'presence.snapshot') {
      lastDurable ??= Number(item.id);
      return;
    }
    if (data.type === 'ready') return events.ready();
    if (!DURABLE.has(data.type)) return;
    const id = Number(item.id);
    if (lastDurable !== null && id <= lastDurable) events.streamError('repeat');
    lastDurable = Math.max(id, lastDurable ?? 0);
    if (data.type === 'message.new') events.message(data.message);
  };
}

function connect(
  url: string,
  user: BenchUser,
  events: ClientEvents,
  opts: { http: boolean },
): LoadClient {
  const socket = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token: user.token }),
    // The product's policy (@parley/client): 0.5 s doubling, with jitter, so a mass drop is no stampede.
    retryDelayMs: reconnectDelayMs,
  });
  const api = createTRPCClient<AppRouter>({
    // As @parley/client does: calls made during a reconnect wait for it (see holdWhileReconnecting).
    links: [holdWhileReconnecting(socket), wsLink({ client: socket, transformer: superjson })],
  });
  const http = opts.http
    ? createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${url}/trpc`,
            transformer: superjson,
            headers: { authorization: `Bearer ${user.token}` },
          }),
        ],
      })
    : null;
  const subscription = api.chat.events.subscribe(
    {},
    { onData: eventHandler(events), onError: (error) => events.error(error) },
  );
  return {
    async send(to, text, clientMessageId, via) {
      const client = via === 'http' ? http! : api;
      return (await client.chat.send.mutate({ to: to.id, text, clientMessageId })).id;
    },
    async post(conversationId, text, clientMessageId) {
      return (await api.chat.send.mutate({ conversationId, text, clientMessageId })).id;
    },
    async history(conversationId, cursor, limit) {
      return (await api.chat.history.query({ conversationId, cursor, limit })).items.length;
    },
    async search(q, conversationId, limit) {
      return (await api.chat.search.query({ q, conversationId, limit })).items.length;
    },
    drop() {
      (socket.connection?.ws as unknown as WebSocket | undefined)?.terminate();
    },
    async close() {
      subscription.unsubscribe();
      await socket.close().catch(() => undefined);
    },
  };
}

export const parleyProtocol: LoadProtocol = {
  connect,
  errorCode(error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string } | undefined;
      return data?.code ?? (error.message.slice(0, 60) || 'TRPCClientError');
    }
    return error instanceof Error ? error.message.slice(0, 60) : String(error).slice(0, 60);
  },
  async login(url, login, password) {
    const anonymous = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${url}/trpc`, transformer: superjson })],
    });
    await anonymous.auth.login.mutate({ login, password });
  },
};
