import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, startServer, type RunningServer } from '@parley/server';
import { waitFor } from '@parley/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParleyClient, reconnectDelayMs, type ChatEvent } from '../src/index.ts';

const LIMITS = {
  signupPerIpPerHour: 10_000,
  loginPerIpPerMinute: 10_000,
  loginPerAccountPer15Minutes: 10_000,
  sendPerUserPerSecond: 10_000,
  typingPerUserPerSecond: 10_000,
};

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'parley-client-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { rateLimits: LIMITS, accessTokenTtlSeconds: 3 });
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

let n = 0;
async function account(name: string) {
  n += 1;
  const username = `${name}${n}_${Date.now().toString(36)}`;
  const password = `long enough password ${n}`;
  const client = createParleyClient({
    url: server.url,
    credentials: { login: username, password },
  });
  const session = await client.signup({ username, email: `${username}@example.com`, password });
  return { client, username, password, userId: session.userId };
}

function record(client: ReturnType<typeof createParleyClient>) {
  const events: { id: string; data: ChatEvent }[] = [];
  const sub = client.trpc.chat.events.subscribe({}, { onData: (e) => events.push(e) });
  const messages = () =>
    events.flatMap((e) => (e.data.type === 'message.new' ? [e.data.message.text] : []));
  return { events, messages, stop: () => sub.unsubscribe() };
}

describe('createParleyClient', () => {
  it('chats over one WebSocket and keeps going across access-token expiry (3 s tokens)', async () => {
    const alice = await account('alice');
    const bob = await account('bob');
    const states: string[] = [];
    const bobWatch = createParleyClient({
      url: server.url,
      credentials: { login: bob.username, password: bob.password },
      onConnectionChange: (state, code) => states.push(`${state}:${code ?? ''}`),
    });
    const inbox = record(bobWatch);
    try {
      await waitFor(() => inbox.events.some((e) => e.data.type === 'ready'), 10_000);
      await alice.client.trpc.chat.send.mutate({
        to: bob.userId,
        text: 'before expiry',
        clientMessageId: 'client-test-1',
      });
      await waitFor(() => inbox.messages().length === 1, 10_000);
      await new Promise((r) => setTimeout(r, 4500));
      await alice.client.trpc.chat.send.mutate({
        to: bob.userId,
        text: 'after expiry',
        clientMessageId: 'client-test-2',
      });
      await waitFor(() => inbox.messages().length === 2, 10_000);
      expect(inbox.messages()).toEqual(['before expiry', 'after expiry']);
      expect(states).toContain('closed:4001');
      expect(states.filter((s) => s.startsWith('open')).length).toBeGreaterThanOrEqual(2);
      const me = await bobWatch.trpc.auth.me.query();
      expect(me.id).toBe(bob.userId);
    } finally {
      inbox.stop();
      bobWatch.close();
      alice.client.close();
      bob.client.close();
    }
  });

  it('offers split transport: queries and mutations over HTTP, events over the socket', async () => {
    const alice = await account('split_a');
    const bob = await account('split_b');
    const split = createParleyClient({
      url: server.url,
      transport: 'split',
      credentials: { login: alice.username, password: alice.password },
    });
    const inbox = record(bob.client);
    try {
      await waitFor(() => inbox.events.some((e) => e.data.type === 'ready'), 10_000);
      const sent = await split.trpc.chat.send.mutate({
        to: bob.userId,
        text: 'over http',
        clientMessageId: 'split-test-1',
      });
      expect(sent.text).toBe('over http');
      await waitFor(() => inbox.messages().includes('over http'), 10_000);
      const page = await split.trpc.chat.history.query({ conversationId: sent.conversationId });
      expect(page.items.at(-1)?.id).toBe(sent.id);
    } finally {
      inbox.stop();
      split.close();
      alice.client.close();
      bob.client.close();
    }
  });

  it('holds sends made while the socket reconnects until it is back, instead of failing them', async () => {
    const alice = await account('drop_a');
    const bob = await account('drop_b');
    const states: string[] = [];
    const sender = createParleyClient({
      url: server.url,
      credentials: { login: alice.username, password: alice.password },
      onConnectionChange: (state, code) => states.push(`${state}:${code ?? ''}`),
    });
    const own = record(sender);
    const inbox = record(bob.client);
    try {
      await waitFor(() => own.events.some((e) => e.data.type === 'ready'), 10_000);
      await waitFor(() => inbox.events.some((e) => e.data.type === 'ready'), 10_000);
      for (const ws of server.app.websocketServer.clients) ws.terminate();
      await waitFor(() => states.includes('closed:1006'), 10_000);
      const sends = Array.from({ length: 5 }, (_, i) =>
        sender.trpc.chat.send.mutate({
          to: bob.userId,
          text: `during the drop ${i}`,
          clientMessageId: `drop-test-${i}`,
        }),
      );
      await expect(Promise.all(sends)).resolves.toHaveLength(5);
      await waitFor(() => inbox.messages().length === 5, 10_000);
      // Concurrent sends have no order between them (a client that needs one sends in turn).
      expect(inbox.messages().sort()).toEqual([0, 1, 2, 3, 4].map((i) => `during the drop ${i}`));
      // One drop, one reconnect: the client never closed a socket of its own in between.
      expect(states).toEqual(['open:', 'closed:1006', 'open:']);
    } finally {
      own.stop();
      inbox.stop();
      sender.close();
      alice.client.close();
      bob.client.close();
    }
  });

  it('signs in again with its credentials after logout ended the session', async () => {
    const carol = await account('carol');
    const firstSession = carol.client.session?.userId;
    await carol.client.logout();
    expect(carol.client.session).toBeNull();
    const me = await carol.client.trpc.auth.me.query();
    expect(me.id).toBe(firstSession);
    carol.client.close();
  });

  it('backs off reconnects exponentially with jitter, capped at 30 s', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const delay = reconnectDelayMs(attempt);
      const base = Math.min(30_000, 500 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base);
    }
  });
});
