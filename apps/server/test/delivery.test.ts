import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';

const MESSAGES = 1000;

/** The texts of the recipient's message.new events, in arrival order. */
function textsOf(stream: ReturnType<typeof collectEvents>) {
  return stream.of('message.new').map((e) => e.message.text);
}

function expectExactlyInOrder(texts: string[]) {
  expect(texts.length).toBe(MESSAGES);
  expect(new Set(texts).size).toBe(MESSAGES);
  expect(texts).toEqual(Array.from({ length: MESSAGES }, (_, i) => `m${i}`));
}

describe('no loss, no duplicates', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it(`delivers ${MESSAGES} messages exactly once, in order, while the recipient's socket is killed 20+ times`, async () => {
    const alice = await signUp(server, 'sender');
    const bob = await signUp(server, 'receiver');
    const sender = wsClient(server, alice.token);
    const receiver = wsClient(server, bob.token, { retryDelayMs: () => 5 });
    const stream = collectEvents(receiver.client);
    await stream.ready();
    let kills = 0;
    try {
      const killPoints = new Set<number>();
      while (killPoints.size < 25) killPoints.add(1 + Math.floor(Math.random() * (MESSAGES - 2)));
      for (let i = 0; i < MESSAGES; i++) {
        await sender.client.chat.send.mutate({
          to: bob.user.id,
          text: `m${i}`,
          clientMessageId: `loss-${i}-${alice.user.id}`,
        });
        if (killPoints.has(i)) {
          const ws = receiver.socket.connection?.ws;
          if (ws && ws.readyState === ws.OPEN) {
            (ws as unknown as { terminate(): void }).terminate();
            kills += 1;
          }
        }
      }
      await waitFor(
        () => stream.of('message.new').length >= MESSAGES,
        30_000,
        'every message to arrive',
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(kills).toBeGreaterThanOrEqual(20);
      expectExactlyInOrder(textsOf(stream));
      expect(stream.of('ready').length).toBeGreaterThanOrEqual(2);
      const ids = stream.items
        .filter((i) => i.data.type === 'message.new')
        .map((i) => Number(i.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      sender.close();
      receiver.close();
    }
  });
});

describe('across a full server restart', () => {
  it('resumes from lastEventId on the same SQLite file with nothing lost or repeated', async () => {
    const first = await startTestServer();
    const { dataDir } = first;
    const port = Number(new URL(first.url).port);
    const alice = await signUp(first, 'restart_a');
    const bob = await signUp(first, 'restart_b');
    const receiver = wsClient({ wsUrl: first.wsUrl }, bob.token, { retryDelayMs: () => 50 });
    const stream = collectEvents(receiver.client);
    await stream.ready();
    const half = MESSAGES / 2;
    for (let i = 0; i < half; i++) {
      await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: `m${i}`,
        clientMessageId: `restart-${i}-${alice.user.id}`,
      });
    }
    await waitFor(
      () => stream.of('message.new').length >= 100,
      10_000,
      'some messages before the restart',
    );
    await first.close();

    const second = await startTestServer({ dataDir, port });
    try {
      for (let i = half; i < MESSAGES; i++) {
        await alice.http.chat.send.mutate({
          to: bob.user.id,
          text: `m${i}`,
          clientMessageId: `restart-${i}-${alice.user.id}`,
        });
      }
      // Retries of already-stored messages after the restart create nothing new.
      const again = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'm0',
        clientMessageId: `restart-0-${alice.user.id}`,
      });
      expect(again.seq).toBe(1);
      await waitFor(
        () => stream.of('message.new').length >= MESSAGES,
        30_000,
        'every message after the restart',
      );
      await new Promise((r) => setTimeout(r, 300));
      expectExactlyInOrder(textsOf(stream));
    } finally {
      receiver.close();
      await second.destroy();
    }
  });
});
