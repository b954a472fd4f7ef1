/**
 * Sockets that outlive their welcome: a client that stops answering pings is terminated (its user
 * goes offline for the others), and a socket whose session was revoked or whose access token
 * expired serves no call, even from a client that ignores the close frame and keeps writing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@parley/testing';
import {
  collectEvents,
  directConversationId,
  signUp,
  startTestServer,
  wsClient,
  type TestServer,
} from '../harness.ts';
import { signedInSocket, sleep, trpcCodeOf, type rawSocket } from './support.ts';

const PING_INTERVAL_MS = 1000;

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.destroy()));
});

/** A raw socket signed in with connectionParams, answered once (so its context is built). */
async function answeredSocket(url: string, token: string, opts: { autoPong?: boolean } = {}) {
  const socket = await signedInSocket(url, token, opts);
  await socket.askMe('hello');
  return socket;
}

/** Writes `chat.send` frames every 20 ms until `until`, each text saying when it was sent. */
async function keepSending(
  socket: ReturnType<typeof rawSocket>,
  to: string,
  until: number,
): Promise<number> {
  let n = 0;
  while (Date.now() < until) {
    n += 1;
    socket.ws.send(
      JSON.stringify({
        id: `send-${n}`,
        method: 'mutation',
        params: {
          path: 'chat.send',
          input: { json: { to, text: `at ${Date.now()}`, clientMessageId: `late-${n}-${to}` } },
        },
      }),
    );
    await sleep(20);
  }
  return n;
}

/** When each stored message from `sender` was sent, by its text. */
async function sentTimes(reader: Awaited<ReturnType<typeof signUp>>, sender: string) {
  const page = await reader.http.chat.history.query({
    conversationId: await directConversationId(reader.http, sender),
    limit: 100,
  });
  return page.items
    .filter((m) => m.senderId === sender && m.text?.startsWith('at '))
    .map((m) => Number(m.text!.slice(3)));
}

describe('keep-alive', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      env: { LOG_LEVEL: 'error', WS_PING_INTERVAL_MS: String(PING_INTERVAL_MS) },
    });
    servers.push(s);
  });

  it(`terminates a socket that does not answer pings within two intervals; its user goes offline`, async () => {
    const alice = await signUp(s, 'ka_alice');
    const bob = await signUp(s, 'ka_bob');
    // A conversation makes them contacts: Alice is told about Bob's presence.
    await bob.http.chat.send.mutate({
      to: alice.user.id,
      text: 'hi',
      clientMessageId: 'keepalive-hi-1',
    });
    const watcher = wsClient(s, alice.token);
    const events = collectEvents(watcher.client);
    try {
      await events.ready();
      const silent = await answeredSocket(s.wsUrl, bob.token(), { autoPong: false });
      const opened = Date.now();
      await waitFor(
        () => events.of('presence').some((p) => p.userId === bob.user.id && p.online),
        5000,
        'Bob online',
      );
      const closed = await waitFor(
        () => silent.closed ?? undefined,
        2 * PING_INTERVAL_MS + 2000,
        'the silent socket to be terminated',
      );
      const after = Date.now() - opened;
      expect(closed.code).toBe(1006);
      expect(after).toBeLessThanOrEqual(2 * PING_INTERVAL_MS + 500);
      await waitFor(
        () => events.of('presence').some((p) => p.userId === bob.user.id && !p.online),
        5000,
        'Bob offline',
      );
    } finally {
      events.unsubscribe();
      watcher.close();
    }
  });

  it('keeps a socket that answers pings, however quiet', async () => {
    const carol = await signUp(s, 'ka_carol');
    const quiet = await answeredSocket(s.wsUrl, carol.token());
    await sleep(3 * PING_INTERVAL_MS + 200);
    expect(quiet.closed).toBeNull();
    expect(trpcCodeOf(await quiet.askMe('still'))).toBeUndefined();
    quiet.ws.close();
  });
});

describe('a socket whose session ended', () => {
  it('serves no call after a logout, even to a client that ignores the close frame', async () => {
    const s = await startTestServer({ env: { LOG_LEVEL: 'error' } });
    servers.push(s);
    const alice = await signUp(s, 'rv_alice');
    const bob = await signUp(s, 'rv_bob');
    const socket = await answeredSocket(s.wsUrl, bob.token());
    // Bob's client stops reading: it never sees the close frame, and keeps writing.
    (socket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const sending = keepSending(socket, alice.user.id, Date.now() + 2000);
    await sleep(300);
    await bob.http.auth.logout.mutate();
    const revokedAt = Date.now();
    const frames = await sending;
    const times = await sentTimes(alice, bob.user.id);
    console.info(
      `after logout: ${frames} sends written, ${times.filter((t) => t >= revokedAt).length} stored`,
    );
    expect(times.length).toBeGreaterThan(0);
    expect(times.filter((t) => t >= revokedAt)).toEqual([]);
    // The connection itself is gone within a second or so, not the 10 s of a closing handshake.
    await waitFor(
      () => [...s.app.websocketServer.clients].length === 0,
      3000,
      'the connection to be destroyed',
    );
  });

  it('serves no call after its access token expired, even to a client that ignores the close frame', async () => {
    const s = await startTestServer({
      env: { LOG_LEVEL: 'error' },
      overrides: { accessTokenTtlSeconds: 2 },
    });
    servers.push(s);
    const alice = await signUp(s, 'ex_alice');
    const bob = await signUp(s, 'ex_bob');
    const socket = await answeredSocket(s.wsUrl, bob.token());
    const expiresAt = bob.session.accessTokenExpiresAt.getTime();
    (socket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const frames = await keepSending(socket, alice.user.id, expiresAt + 1500);
    // Alice's token expired too: she reads with a fresh one.
    alice.setToken(
      (await alice.http.auth.refresh.mutate({ refreshToken: alice.session.refreshToken! }))
        .accessToken,
    );
    const times = await sentTimes(alice, bob.user.id);
    console.info(
      `after expiry: ${frames} sends written, ${times.filter((t) => t >= expiresAt).length} stored`,
    );
    expect(times.length).toBeGreaterThan(0);
    expect(times.filter((t) => t >= expiresAt)).toEqual([]);
  });
});
