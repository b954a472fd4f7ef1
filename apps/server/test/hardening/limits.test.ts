/**
 * Limits: request body, WebSocket frame, subscriptions and calls in flight per connection,
 * connections per user and per IP, send rate over the socket, and slow consumers (a client that
 * stops reading is closed once its backlog passes the limit, and resumes with nothing lost).
 */
import { CONNECTION_LIMITS, LIMIT_CLOSE_CODES, MAX_BATCH_SIZE } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  collectEvents,
  httpClient,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from '../harness.ts';
import { BODY_LIMIT_BYTES, WS_MAX_PAYLOAD_BYTES } from '../../src/app.ts';
import {
  rawSocket,
  settledHeapMiB,
  signedInSocket,
  sleep,
  trpcCodeOf,
  trpcMessageOf,
} from './support.ts';

const servers: TestServer[] = [];
async function server(env: Record<string, string> = {}, overrides = {}) {
  const s = await startTestServer({ env: { LOG_LEVEL: 'error', ...env }, overrides });
  servers.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.destroy()));
});

const cid = () => `c_${crypto.randomUUID()}`;

describe('request and frame sizes', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await server();
  });

  it('refuses a body over 1 MiB with 413 and a typed, readable tRPC error', async () => {
    const body = JSON.stringify({ json: { login: 'x'.repeat(BODY_LIMIT_BYTES), password: 'y' } });
    const res = await fetch(`${s.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    const json = (await res.json()) as unknown;
    expect(trpcCodeOf(json)).toBe('PAYLOAD_TOO_LARGE');
    expect(trpcMessageOf(json)).toBe('The request body is larger than 1 MiB.');
    // The stock client reads it as a typed error too.
    const error = await rejection(
      httpClient(s).auth.login.mutate({ login: 'x'.repeat(BODY_LIMIT_BYTES), password: 'y' }),
    );
    expect(error.data?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toMatch(/larger than 1 MiB/);
  });

  it('answers an unsupported content type with 415 and a readable message', async () => {
    const res = await fetch(`${s.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<login/>',
    });
    expect(res.status).toBe(415);
    expect(trpcCodeOf(await res.json())).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it(`refuses more than ${MAX_BATCH_SIZE} calls in one HTTP batch (the answer's size is bounded)`, async () => {
    const batch = (n: number) => Array.from({ length: n }, () => 'auth.me').join(',');
    const res = await fetch(`${s.url}/trpc/${batch(MAX_BATCH_SIZE + 1)}?batch=1`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/Batch call exceeds maximum size/);
    // A full batch is answered (each call refused on its own: nobody is signed in).
    expect((await fetch(`${s.url}/trpc/${batch(MAX_BATCH_SIZE)}?batch=1`)).status).toBe(401);
  });

  it(`closes a socket that sends a frame over ${WS_MAX_PAYLOAD_BYTES / 1024} KiB with 1009`, async () => {
    const alice = await signUp(s, 'frame');
    const closes: number[] = [];
    const ws = wsClient(s, alice.token, {
      onClose: (c) => closes.push(c?.code ?? 0),
      retryDelayMs: () => 60_000,
    });
    try {
      await ws.client.auth.me.query();
      const huge = ws.client.chat.send.mutate({
        to: alice.user.id,
        text: 'x'.repeat(WS_MAX_PAYLOAD_BYTES + 1),
        clientMessageId: cid(),
      });
      await expect(huge).rejects.toThrow();
      await waitFor(() => closes.length > 0, 5000, 'the 1009 close');
      expect(closes[0]).toBe(LIMIT_CLOSE_CODES.messageTooBig);
    } finally {
      ws.close();
    }
    // One frame just under the limit is fine (and answered with a readable validation error).
    const socket = await signedInSocket(s.wsUrl, alice.token());
    const text = 'y'.repeat(WS_MAX_PAYLOAD_BYTES - 1024);
    socket.ws.send(
      JSON.stringify({
        id: 1,
        method: 'mutation',
        params: { path: 'chat.send', input: { json: { to: 'x', text, clientMessageId: cid() } } },
      }),
    );
    await waitFor(() => socket.json().length > 0, 5000, 'an answer');
    expect(trpcCodeOf(socket.json()[0])).toBe('BAD_REQUEST');
    expect(socket.closed).toBeNull();
    socket.ws.close();
  });
});

describe('per connection', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await server();
  });

  it(`allows ${CONNECTION_LIMITS.subscriptionsPerConnection} subscriptions per connection; the next gets TOO_MANY_REQUESTS`, async () => {
    const alice = await signUp(s, 'subs');
    const ws = wsClient(s, alice.token);
    try {
      const streams = Array.from({ length: CONNECTION_LIMITS.subscriptionsPerConnection }, () =>
        collectEvents(ws.client),
      );
      await Promise.all(streams.map((st) => st.ready()));
      const extra = collectEvents(ws.client);
      await waitFor(() => extra.errors.length > 0, 5000, 'the refusal');
      const error = extra.errors[0] as { data?: { code?: string }; message: string };
      expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
      expect(error.message).toBe(
        `At most ${CONNECTION_LIMITS.subscriptionsPerConnection} subscriptions per connection: stop one before starting another.`,
      );
      // Stopping one frees its place.
      streams[0]!.unsubscribe();
      await sleep(100);
      const again = collectEvents(ws.client);
      await again.ready();
      expect(again.errors).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it(`answers at most ${CONNECTION_LIMITS.inFlightPerConnection} calls at once per connection; the rest get TOO_MANY_REQUESTS`, async () => {
    const alice = await signUp(s, 'burst');
    const socket = await signedInSocket(s.wsUrl, alice.token());
    const batch = Array.from({ length: 200 }, (_, i) => ({
      id: i + 1,
      method: 'query',
      params: { path: 'users.search', input: { json: { q: 'burst' } } },
    }));
    socket.ws.send(JSON.stringify(batch));
    await waitFor(() => socket.json().length >= batch.length, 10_000, 'every answer');
    const codes = socket.json().map((m) => trpcCodeOf(m) ?? 'ok');
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(
      CONNECTION_LIMITS.inFlightPerConnection,
    );
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['ok', 'TOO_MANY_REQUESTS']));
    expect(socket.closed).toBeNull();
    // Once answered, the connection takes calls again.
    await socket.askMe('after');
    socket.ws.close();
  });

  it('limits sends per user over the WebSocket too, with TOO_MANY_REQUESTS and when to retry', async () => {
    const limited = await server({}, { rateLimits: { sendPerUserPerSecond: 5 } });
    const alice = await signUp(limited, 'rate_a');
    const bob = await signUp(limited, 'rate_b');
    const ws = wsClient(limited, alice.token);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          ws.client.chat.send.mutate({ to: bob.user.id, text: `r${i}`, clientMessageId: cid() }),
        ),
      );
      const refused = results
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(refused).toHaveLength(7);
      for (const e of refused as Array<{
        data?: { code?: string; retryAfterSeconds?: number };
        message: string;
      }>) {
        expect(e.data?.code).toBe('TOO_MANY_REQUESTS');
        expect(e.data?.retryAfterSeconds).toBeGreaterThan(0);
        expect(e.message).toMatch(/You are sending messages too fast\. Try again in \d+ s\./);
      }
    } finally {
      ws.close();
    }
  });
});

describe('connections per user and per IP', () => {
  it('refuses the 4th socket of a user (limit 3) with a typed error and close code 4029, then admits again', async () => {
    const s = await server({ WS_MAX_CONNECTIONS_PER_USER: '3' });
    const alice = await signUp(s, 'conns');
    const open = await Promise.all([1, 2, 3].map(() => signedInSocket(s.wsUrl, alice.token())));
    for (const socket of open) await socket.askMe();
    const fourth = await signedInSocket(s.wsUrl, alice.token());
    const closed = await fourth.closing;
    expect(closed.code).toBe(LIMIT_CLOSE_CODES.tooManyConnections);
    expect(closed.reason).toMatch(/Too many connections for your account \(at most 3\)/);
    expect(trpcCodeOf(fourth.json()[0])).toBe('TOO_MANY_REQUESTS');
    expect(trpcMessageOf(fourth.json()[0])).toMatch(/Close a tab or app and retry/);
    // The stock client sees the close code too.
    const closes: number[] = [];
    const stock = wsClient(s, alice.token, {
      onClose: (c) => closes.push(c?.code ?? 0),
      retryDelayMs: () => 60_000,
    });
    await waitFor(() => closes.length > 0, 5000, 'the stock client refused');
    expect(closes[0]).toBe(LIMIT_CLOSE_CODES.tooManyConnections);
    stock.close();
    // Another user is not affected; a closed socket frees its place.
    const bob = await signUp(s, 'conns_b');
    const bobSocket = wsClient(s, bob.token);
    expect((await bobSocket.client.auth.me.query()).id).toBe(bob.user.id);
    bobSocket.close();
    open[0]!.ws.close();
    await open[0]!.closing;
    await sleep(50);
    const again = wsClient(s, alice.token);
    expect((await again.client.auth.me.query()).id).toBe(alice.user.id);
    again.close();
    for (const socket of open) socket.ws.close();
  });

  it('refuses sockets past the per-IP limit (5) with close code 4029 and a readable reason', async () => {
    const s = await server({ WS_MAX_CONNECTIONS_PER_IP: '5' });
    const open = Array.from({ length: 5 }, () => rawSocket(s.wsUrl));
    await Promise.all(open.map((o) => o.opened));
    const sixth = rawSocket(s.wsUrl);
    const closed = await sixth.closing;
    expect(closed.code).toBe(LIMIT_CLOSE_CODES.tooManyConnections);
    expect(closed.reason).toMatch(/Too many connections from your address \(at most 5\)/);
    expect(trpcCodeOf(sixth.json()[0])).toBe('TOO_MANY_REQUESTS');
    for (const o of open) expect(o.closed).toBeNull();
    open[0]!.ws.close();
    await open[0]!.closing;
    await sleep(50);
    const seventh = rawSocket(s.wsUrl);
    await seventh.opened;
    expect(trpcCodeOf(await seventh.askMe())).toBe('UNAUTHORIZED');
    for (const o of [...open, seventh]) o.ws.close();
  });
});

describe('slow consumers', () => {
  const LIMIT = 256 * 1024;
  const MESSAGES = 1500;
  const TEXT = 3900;

  it(`closes a socket that stops reading once ${LIMIT / 1024} KiB wait for it (4008); it resumes with nothing lost`, async () => {
    const s = await server({ WS_SLOW_CONSUMER_BYTES: String(LIMIT) });
    const alice = await signUp(s, 'fast');
    const bob = await signUp(s, 'slow');
    const closes: number[] = [];
    const receiver = wsClient(s, bob.token, {
      onClose: (c) => closes.push(c?.code ?? 0),
      retryDelayMs: () => 50,
    });
    const stream = collectEvents(receiver.client);
    await stream.ready();
    const serverSide = () => [...s.app.websocketServer.clients] as WebSocket[];
    const bobsSocket = serverSide()[0]!;
    const heapBefore = await settledHeapMiB();

    // Bob stops reading his socket: the kernel buffers fill, then the server's backlog grows.
    const clientWs = receiver.socket.connection?.ws as unknown as {
      _socket: { pause(): void; resume(): void };
    };
    clientWs._socket.pause();
    let maxBacklog = 0;
    const sampler = setInterval(
      () => (maxBacklog = Math.max(maxBacklog, bobsSocket.bufferedAmount)),
      5,
    );
    const sender = wsClient(s, alice.token);
    try {
      for (let i = 0; i < MESSAGES; i += 20) {
        await Promise.all(
          Array.from({ length: Math.min(20, MESSAGES - i) }, (_, j) =>
            sender.client.chat.send.mutate({
              to: bob.user.id,
              text: `m${i + j} `.padEnd(TEXT, '.'),
              clientMessageId: `slow-${i + j}-${alice.user.id}`,
            }),
          ),
        );
      }
      await waitFor(
        () => bobsSocket.readyState !== bobsSocket.OPEN,
        10_000,
        'the server to give up on the slow socket',
      );
      clearInterval(sampler);
      const heapWhileStuck = await settledHeapMiB();
      console.info(
        `slow consumer: closed after a backlog of ${(maxBacklog / 1024).toFixed(0)} KiB (limit ${LIMIT / 1024} KiB); heap ${heapBefore.toFixed(1)} -> ${heapWhileStuck.toFixed(1)} MiB`,
      );
      // The backlog never passed the limit by more than one message.
      expect(maxBacklog).toBeLessThan(LIMIT + 8 * 1024);
      expect(heapWhileStuck - heapBefore).toBeLessThan(32);

      // Bob reads again: he gets what was buffered, the 4008 close, reconnects and resumes by lastEventId.
      clientWs._socket.resume();
      await waitFor(
        () => closes.includes(LIMIT_CLOSE_CODES.slowConsumer),
        15_000,
        'the 4008 close',
      );
      await waitFor(
        () => stream.of('message.new').length >= MESSAGES,
        30_000,
        'every message after resuming',
      );
      await sleep(200);
      const texts = stream.of('message.new').map((e) => e.message.text.split(' ')[0]);
      expect(texts).toEqual(Array.from({ length: MESSAGES }, (_, i) => `m${i}`));
      expect(stream.of('ready').length).toBeGreaterThanOrEqual(2);
    } finally {
      clearInterval(sampler);
      sender.close();
      receiver.close();
    }
  });
});
