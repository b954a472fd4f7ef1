/**
 * chat.events over Server-Sent Events (tRPC's httpSubscriptionLink), over real HTTP against a real
 * server: live delivery, resume by lastEventId, authentication, the connection limits a socket
 * has, and the session's end.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from './event-stream.ts';
import { signUp, startTestServer, waitFor, type TestServer } from './harness.ts';
import { rawSocket, signedInSocket } from './hardening/support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { WS_MAX_CONNECTIONS_PER_USER: '2' } });
});
afterAll(() => server.destroy());

let n = 0;
const send = (from: Awaited<ReturnType<typeof signUp>>, to: string, text: string) =>
  from.http.chat.send.mutate({ to, text, clientMessageId: `sse-test-${++n}-${Date.now()}` });

const texts = (items: Array<{ data: { type: string } & Record<string, unknown> }>) =>
  items.flatMap((i) =>
    i.data.type === 'message.new' ? [(i.data.message as { text: string }).text] : [],
  );

describe('chat.events over Server-Sent Events', () => {
  it('streams a live message to a Bearer-authenticated stream, with its event id', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const stream = await openEventStream(server.url, 'chat.events', { token: bob.token() });
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const ready = await stream.collect();
      expect('items' in ready && ready.items.at(-1)?.data.type).toBe('ready');
      const sent = await send(alice, bob.user.id, 'live over sse');
      const live = await stream.collect((d) => d.type === 'message.new');
      if (!('items' in live)) throw new Error(live.error.message);
      const item = live.items.at(-1)!;
      expect(texts(live.items)).toEqual(['live over sse']);
      expect((item.data.message as { id: string }).id).toBe(sent.id);
      // Dates survive (superjson), and the id is the position to resume after.
      expect((item.data.message as { createdAt: unknown }).createdAt).toBeInstanceOf(Date);
      expect(item.id).toMatch(/^\d+$/);
    } finally {
      stream.close();
    }
  });

  it('authenticates by connectionParams (an EventSource cannot set headers)', async () => {
    const bob = await signUp(server, 'bob');
    const stream = await openEventStream(server.url, 'chat.events', {
      connectionParams: { token: bob.token() },
    });
    try {
      const answer = await stream.collect();
      expect('items' in answer && answer.items.at(-1)?.data.type).toBe('ready');
    } finally {
      stream.close();
    }
  });

  it('resumes after a dropped stream by lastEventId: what it missed, once, in order', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const first = await openEventStream(server.url, 'chat.events', { token: bob.token() });
    await first.collect();
    await send(alice, bob.user.id, 'one');
    const seen = await first.collect((d) => d.type === 'message.new');
    if (!('items' in seen)) throw new Error(seen.error.message);
    const lastEventId = seen.items.at(-1)!.id!;
    first.close();

    await send(alice, bob.user.id, 'two');
    await send(alice, bob.user.id, 'three');

    // As EventSource reconnects: the Last-Event-ID header.
    const byHeader = await openEventStream(server.url, 'chat.events', {
      token: bob.token(),
      headers: { 'last-event-id': lastEventId },
    });
    // As httpSubscriptionLink reconnects: lastEventId in the input.
    const byInput = await openEventStream(server.url, 'chat.events', {
      token: bob.token(),
      input: { lastEventId },
    });
    try {
      for (const stream of [byHeader, byInput]) {
        const replay = await stream.collect();
        if (!('items' in replay)) throw new Error(replay.error.message);
        expect(texts(replay.items)).toEqual(['two', 'three']);
        const ids = replay.items.filter((i) => i.data.type === 'message.new').map((i) => i.id);
        expect(ids.every((id) => Number(id) > Number(lastEventId))).toBe(true);
      }
      await send(alice, bob.user.id, 'four');
      const live = await byInput.collect((d) => d.type === 'message.new');
      expect('items' in live && texts(live.items)).toEqual(['four']);
    } finally {
      byHeader.close();
      byInput.close();
    }
  });

  it('refuses a stream without a token, or with a bad one, with a typed UNAUTHORIZED', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const stream = await openEventStream(server.url, 'chat.events', { token });
      try {
        const answer = await stream.collect();
        expect('error' in answer && answer.error.code).toBe('UNAUTHORIZED');
      } finally {
        stream.close();
      }
    }
  });

  it('counts toward the per-user connection limit, shared with WebSockets', async () => {
    const bob = await signUp(server, 'bob');
    const socket = await signedInSocket(server.wsUrl, bob.token());
    await socket.askMe(1);
    const one = await openEventStream(server.url, 'chat.events', { token: bob.token() });
    await one.collect();
    // A socket and a stream: the third connection of either kind is refused.
    const refused = await openEventStream(server.url, 'chat.events', { token: bob.token() });
    const answer = await refused.collect();
    expect('error' in answer && answer.error.code).toBe('TOO_MANY_REQUESTS');
    refused.close();
    const extraSocket = await signedInSocket(server.wsUrl, bob.token());
    expect((await extraSocket.closing).code).toBe(4029);

    // A closed stream frees its place.
    one.close();
    const again = await waitFor(async () => {
      const stream = await openEventStream(server.url, 'chat.events', { token: bob.token() });
      const result = await stream.collect();
      if ('items' in result) return stream;
      stream.close();
      return undefined;
    });
    again.close();
    socket.ws.close();
  });

  it('ends the stream when its session is revoked; reconnecting is refused', async () => {
    const bob = await signUp(server, 'bob');
    const stream = await openEventStream(server.url, 'chat.events', { token: bob.token() });
    await stream.collect();
    await bob.http.auth.logout.mutate();
    // The connection drops (the client reconnects, and learns why).
    await waitFor(async () => (await stream.next()) === null, 5000, 'the stream to end');
    const again = await openEventStream(server.url, 'chat.events', { token: bob.token() });
    const answer = await again.collect();
    expect('error' in answer && answer.error.code).toBe('UNAUTHORIZED');
    again.close();
  });

  it('accepts Authorization: Bearer on the WebSocket upgrade', async () => {
    const bob = await signUp(server, 'bob');
    const socket = rawSocket(server.wsUrl, { headers: { authorization: `Bearer ${bob.token()}` } });
    await socket.opened;
    const answer = await socket.askMe(7);
    expect(answer).toMatchObject({ id: 7, result: { data: { json: { id: bob.user.id } } } });
    socket.ws.close();
  });

  it('cuts a stream whose reader stopped reading, freeing its place (it resumes by lastEventId)', async () => {
    const quick = await startTestServer({
      env: { WS_MAX_CONNECTIONS_PER_USER: '1', WS_PING_INTERVAL_MS: '1000' },
    });
    try {
      const alice = await signUp(quick, 'alice');
      const bob = await signUp(quick, 'bob');
      // A reader that never reads: the request goes out, nothing is taken from the socket.
      const { port } = new URL(quick.url);
      const stalled = net.connect(Number(port), '127.0.0.1');
      stalled.write(
        `GET /trpc/chat.events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n` +
          `Authorization: Bearer ${bob.token()}\r\n\r\n`,
      );
      stalled.pause();
      let closed = false;
      stalled.on('close', () => (closed = true));
      stalled.on('error', () => undefined);
      // While it holds Bob's one connection, another stream is refused.
      await waitFor(async () => {
        const other = await openEventStream(quick.url, 'chat.events', { token: bob.token() });
        const answer = await other.collect();
        other.close();
        return 'error' in answer && answer.error.code === 'TOO_MANY_REQUESTS';
      });
      // Big messages until the stalled connection's buffers are full and it is cut.
      const text = 'x'.repeat(4000);
      let sent = 0;
      const cut = await waitFor(
        async () => {
          await Promise.all(
            Array.from({ length: 20 }, () =>
              alice.http.chat.send.mutate({
                to: bob.user.id,
                text,
                clientMessageId: `stalled-${String(sent++).padStart(4, '0')}`,
              }),
            ),
          );
          const fresh = await openEventStream(quick.url, 'chat.events', { token: bob.token() });
          const answer = await fresh.collect();
          fresh.close();
          return 'items' in answer;
        },
        60_000,
        'the stalled stream to be cut',
      );
      expect(cut).toBe(true);
      stalled.resume();
      await waitFor(() => closed, 5000, 'the stalled connection to close');
      stalled.destroy();
    } finally {
      await quick.destroy();
    }
  }, 90_000);

  it('ends event streams when the server drains, and refuses new ones while it drains', async () => {
    const draining = await startTestServer();
    try {
      const bob = await signUp(draining, 'bob');
      const stream = await openEventStream(draining.url, 'chat.events', { token: bob.token() });
      await stream.collect();
      const drained = draining.app.drain(5000);
      await waitFor(async () => (await stream.next()) === null, 5000, 'the stream to end');
      await drained;
      const again = await openEventStream(draining.url, 'chat.events', { token: bob.token() });
      const answer = await again.collect();
      expect('error' in answer && answer.error.code).toBe('SERVICE_UNAVAILABLE');
      again.close();
    } finally {
      await draining.destroy();
    }
  });
});
