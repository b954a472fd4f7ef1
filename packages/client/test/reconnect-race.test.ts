/**
 * Exactly once at the application callback, through the reconnect races of tRPC's WebSocket client:
 * the subscriber's socket is ended every 700 ms (by a proxy between it and the server: dropped, or
 * closed by a server slow to finish the closing handshake) while it keeps making calls, many
 * during its reconnect back-off, and the server process is frozen for 600 ms (SIGSTOP, SIGCONT).
 * Every durable event must reach `onData` once, in order; no call on a socket that was not ended
 * may fail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppRouter, ChatEvent } from '@parley/api';
import { spawnServer, type ChildServer } from '@parley/server/testing';
import { freePort, waitFor } from '@parley/testing';
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import WebSocket, { WebSocketServer } from 'ws';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createParleyClient,
  deliverOnceLink,
  holdWhileReconnecting,
  reconnectDelayMs,
  silenceReplacedSockets,
} from '../src/index.ts';

const RUN_MS = 8000;
const CUT_EVERY_MS = 700;
const FREEZE_MS = 600;
const SLOW_CLOSE_MS = 300;
const SENDERS = 8;
/** How soon after a cut the client notices it (a drop: the TCP connection closes), at the most. */
const NOTICE_CUT_MS = 150;

/**
 * A WebSocket proxy to the server whose connections can all be ended at once, either as a network
 * drop (the client's TCP connection destroyed) or as a server that closes slowly (a close frame,
 * then 300 ms before the closing handshake can finish, as when the server is busy or frozen).
 */
async function socketProxy(target: string) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (client, req) => {
    const upstream = new WebSocket(`${target}${req.url ?? ''}`);
    const early: WebSocket.RawData[] = [];
    client.on('message', (data) => {
      if (upstream.readyState === upstream.OPEN) upstream.send(data.toString());
      else early.push(data);
    });
    upstream.on('open', () => {
      for (const data of early.splice(0)) upstream.send(data.toString());
    });
    upstream.on('message', (data) => {
      if (client.readyState === client.OPEN) client.send(data.toString());
    });
    upstream.on('close', (code) => {
      if (client.readyState === client.OPEN) client.close(code === 1005 ? 1000 : code);
    });
    client.on('close', () => upstream.terminate());
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
  });
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    cutAll() {
      for (const client of wss.clients) client.terminate();
    },
    closeSlowly() {
      for (const client of wss.clients) {
        const raw = (client as unknown as { _socket: { pause(): void } })._socket;
        client.close(1012, 'server restarting');
        raw.pause();
        setTimeout(() => client.terminate(), SLOW_CLOSE_MS);
      }
    },
    close: () => new Promise((resolve) => wss.close(resolve)),
  };
}

let server: ChildServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'parley-race-'));
  server = await spawnServer({
    port: await freePort(),
    dataDir,
    env: { RATE_LIMIT_SEND_PER_SECOND: '100000', RATE_LIMIT_SIGNUP_PER_HOUR: '1000' },
  });
});
afterAll(async () => {
  server.process.kill('SIGCONT');
  server.process.kill('SIGTERM');
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
});

const anonymous = () =>
  createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson })],
  });

async function account(name: string) {
  const username = `${name}_${Date.now().toString(36)}`;
  const password = `a long enough password for ${name}`;
  const session = await anonymous().auth.signup.mutate({
    username,
    email: `${username}@example.com`,
    password,
  });
  return { id: session.user.id, token: session.accessToken, session };
}

type Bob = Awaited<ReturnType<typeof account>>;

/** The two ways a TypeScript developer connects: the SDK, and the stock client set up as the README shows. */
const clients = {
  createParleyClient: (url: string, bob: Bob) =>
    createParleyClient({
      url,
      session: {
        userId: bob.id,
        accessToken: bob.token,
        accessTokenExpiresAt: bob.session.accessTokenExpiresAt,
        refreshToken: bob.session.refreshToken,
      },
    }),
  'the stock @trpc/client': (url: string, bob: Bob) => {
    const socket = createWSClient({
      url: `${url.replace(/^http/, 'ws')}/trpc`,
      WebSocket: silenceReplacedSockets(WebSocket) as unknown as typeof globalThis.WebSocket,
      retryDelayMs: reconnectDelayMs,
      connectionParams: { token: bob.token },
    });
    const trpc = createTRPCClient<AppRouter>({
      links: [
        holdWhileReconnecting(socket),
        deliverOnceLink(),
        wsLink({ client: socket, transformer: superjson }),
      ],
    });
    return { trpc, close: () => socket.close() };
  },
};

describe('exactly once at the application callback', () => {
  it.each(Object.keys(clients) as (keyof typeof clients)[])(
    'with %s: every durable event once, in order, through cut sockets, back-off calls and a frozen server',
    async (kind) => {
      const alice = await account('race_a');
      const bob = await account('race_b');
      const proxy = await socketProxy(server.wsUrl.replace(/\/trpc$/, ''));
      const bobClient = clients[kind](proxy.url, bob);
      const aliceHttp = createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${server.url}/trpc`,
            transformer: superjson,
            headers: { authorization: `Bearer ${alice.token}` },
          }),
        ],
      });

      const delivered: { id: string; data: ChatEvent }[] = [];
      const subscription = bobClient.trpc.chat.events.subscribe(
        {},
        { onData: (item) => delivered.push(item) },
      );
      await waitFor(() => delivered.some((e) => e.data.type === 'ready'), 10_000, 'ready');

      // When each cut began and ended: at once for a drop, after the slow closing handshake else.
      const cuts: { from: number; to: number }[] = [];
      const cutter = setInterval(() => {
        const slow = cuts.length % 2 === 1;
        cuts.push({ from: Date.now(), to: Date.now() + (slow ? SLOW_CLOSE_MS : 0) });
        if (slow) proxy.closeSlowly();
        else proxy.cutAll();
      }, CUT_EVERY_MS);
      const freeze = setTimeout(() => {
        server.process.kill('SIGSTOP');
        setTimeout(() => server.process.kill('SIGCONT'), FREEZE_MS);
      }, RUN_MS / 2);

      // Bob keeps calling every few milliseconds whatever the state of his socket. A call made
      // before the client could notice a cut may fail with its socket; a call made later (while
      // the socket closes, during the back-off or after the reconnect) must wait and succeed.
      const healthyFailures: string[] = [];
      let calls = 0;
      let inFlight = 0;
      const pending = new Set<Promise<unknown>>();
      const caller = setInterval(() => {
        if (inFlight >= 16) return;
        calls += 1;
        inFlight += 1;
        const started = Date.now();
        const call = bobClient.trpc.users.search
          .query({ q: 'race' })
          .catch((error: Error) => {
            const failed = Date.now();
            const cut = cuts.some(({ from }) => started <= from + NOTICE_CUT_MS && failed >= from);
            if (!cut) healthyFailures.push(error.message);
          })
          .finally(() => {
            inFlight -= 1;
            pending.delete(call);
          });
        pending.add(call);
      }, 5);

      // Alice sends as fast as the server takes it, SENDERS at a time.
      const sent: string[] = [];
      const until = Date.now() + RUN_MS;
      let next = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (Date.now() < until) {
            const text = `m${next++}`;
            await aliceHttp.chat.send.mutate({
              to: bob.id,
              text,
              clientMessageId: `race-msg-${text}`,
            });
            sent.push(text);
          }
        }),
      );
      clearInterval(cutter);
      clearInterval(caller);
      clearTimeout(freeze);
      server.process.kill('SIGCONT');
      await Promise.all(pending);

      const messages = () =>
        delivered.flatMap((e) => (e.data.type === 'message.new' ? [e.data.message.text] : []));
      await waitFor(() => messages().length >= sent.length, 30_000, 'every message');
      await new Promise((r) => setTimeout(r, 500));
      subscription.unsubscribe();
      bobClient.close();
      await proxy.close();

      const durableIds = delivered
        .filter((e) => !['typing', 'presence', 'presence.snapshot', 'ready'].includes(e.data.type))
        .map((e) => Number(e.id));
      console.info(
        `reconnect race (${kind}): ${sent.length} messages, ${cuts.length} cuts, ` +
          `${calls} calls, ${delivered.filter((e) => e.data.type === 'ready').length} resumes; ` +
          `${durableIds.length - new Set(durableIds).size} durable events repeated, ` +
          `${healthyFailures.length} calls failed on a socket that was not cut`,
      );
      expect(new Set(durableIds).size).toBe(durableIds.length);
      expect(durableIds).toEqual([...durableIds].sort((a, b) => a - b));
      // Concurrent sends have no order between them; each arrives once.
      expect(messages().toSorted()).toEqual(sent.toSorted());
      expect(healthyFailures).toEqual([]);
    },
    90_000,
  );
});
