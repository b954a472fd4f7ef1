import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  signUp,
  startTestServer,
  waitFor,
  wholeHistory,
  wsClient,
  type TestServer,
} from './harness.ts';

const PER_SENDER = 250;
const MESSAGES = PER_SENDER * 2;
/** One of Carol's sockets is killed every this many sends: 24 kills in all. */
const KILL_EVERY = 20;

type Stream = ReturnType<typeof collectEvents>;
type Signed = Awaited<ReturnType<typeof signUp>>;

/** The texts of the group's text messages a stream received, in arrival order. */
const textsOf = (stream: Stream, conversationId: string) =>
  stream
    .of('message.new')
    .filter((e) => e.message.conversationId === conversationId && e.message.kind === 'text')
    .map((e) => e.message.text);

/** Two members send PER_SENDER messages each, concurrently, over their own sockets. */
async function converse(
  senders: Array<{ who: Signed; tag: string; ws: ReturnType<typeof wsClient> }>,
  conversationId: string,
  onEach?: (n: number) => Promise<void>,
) {
  let sent = 0;
  await Promise.all(
    senders.map(async ({ who, tag, ws }) => {
      for (let i = 0; i < PER_SENDER; i++) {
        await ws.client.chat.send.mutate({
          conversationId,
          text: `${tag}${i}`,
          clientMessageId: `grp-${tag}-${i}-${who.user.id}`.slice(0, 64),
        });
        await onEach?.((sent += 1));
      }
    }),
  );
}

/** Every member got all messages once, each sender's in order, and all in the same (history) order. */
function expectSameStory(streams: Stream[], conversationId: string, history: string[]) {
  expect(history).toHaveLength(MESSAGES);
  for (const stream of streams) {
    const texts = textsOf(stream, conversationId);
    expect(new Set(texts).size).toBe(MESSAGES);
    expect(texts).toEqual(history);
    for (const tag of ['a', 'b'])
      expect(texts.filter((t) => t.startsWith(tag))).toEqual(
        Array.from({ length: PER_SENDER }, (_, i) => `${tag}${i}`),
      );
  }
}

describe('a group under faults', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it(`gives every member all ${MESSAGES} messages exactly once, in one order, while one member's socket is killed 20+ times`, async () => {
    const [alice, bob, carol] = [
      await signUp(server, 'ga'),
      await signUp(server, 'gb'),
      await signUp(server, 'gc'),
    ];
    const group = await alice.http.groups.create.mutate({
      title: 'Faults',
      memberIds: [bob.user.id, carol.user.id],
    });
    const sockets = [alice, bob].map((who) => wsClient(server, who.token));
    const carolWs = wsClient(server, carol.token, { retryDelayMs: () => 5 });
    const streams = [...sockets.map((s) => collectEvents(s.client)), collectEvents(carolWs.client)];
    await Promise.all(streams.map((s) => s.ready()));
    let kills = 0;
    /** Carol's live socket, once it is open again after the last kill. */
    const openSocket = () => {
      const ws = carolWs.socket.connection?.ws;
      return ws && ws.readyState === ws.OPEN ? ws : null;
    };
    try {
      await converse(
        [
          { who: alice, tag: 'a', ws: sockets[0]! },
          { who: bob, tag: 'b', ws: sockets[1]! },
        ],
        group.id,
        // Every KILL_EVERY sends, the sender waits for Carol to be back, then kills her socket
        // again: the kills always land in the middle of the traffic, however loaded the machine.
        async (n) => {
          if (n % KILL_EVERY !== 0 || n >= MESSAGES) return;
          await waitFor(() => openSocket() !== null, 10_000, "Carol's socket to reopen");
          (openSocket() as unknown as { terminate(): void }).terminate();
          kills += 1;
        },
      );
      await waitFor(
        () => streams.every((s) => textsOf(s, group.id).length >= MESSAGES),
        30_000,
        'every member to have every message',
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(kills).toBeGreaterThanOrEqual(20);
      const history = (await wholeHistory(carol.http, group.id))
        .filter((m) => m.kind === 'text')
        .map((m) => m.text);
      expectSameStory(streams, group.id, history);
      expect(streams[2]!.of('ready').length).toBeGreaterThanOrEqual(20);
    } finally {
      for (const s of [...sockets, carolWs]) s.close();
    }
  });
});

describe('a group across a server restart', () => {
  it('resumes every member from lastEventId on the same SQLite file, nothing lost or repeated', async () => {
    const first = await startTestServer();
    const { dataDir } = first;
    const port = Number(new URL(first.url).port);
    const [alice, bob, carol] = [
      await signUp(first, 'ra'),
      await signUp(first, 'rb'),
      await signUp(first, 'rc'),
    ];
    const group = await alice.http.groups.create.mutate({
      title: 'Restart',
      memberIds: [bob.user.id, carol.user.id],
    });
    const receivers = [alice, bob, carol].map((who) =>
      wsClient({ wsUrl: first.wsUrl }, who.token, { retryDelayMs: () => 50 }),
    );
    const streams = receivers.map((r) => collectEvents(r.client));
    await Promise.all(streams.map((s) => s.ready()));
    const send = (who: Signed, tag: string, i: number) =>
      who.http.chat.send.mutate({
        conversationId: group.id,
        text: `${tag}${i}`,
        clientMessageId: `rs-${tag}-${i}-${who.user.id}`.slice(0, 64),
      });
    for (let i = 0; i < PER_SENDER / 2; i++)
      await Promise.all([send(alice, 'a', i), send(bob, 'b', i)]);
    await waitFor(
      () => textsOf(streams[2]!, group.id).length >= 50,
      10_000,
      'some messages before the restart',
    );
    await first.close();

    const second = await startTestServer({ dataDir, port });
    try {
      for (let i = PER_SENDER / 2; i < PER_SENDER; i++)
        await Promise.all([send(alice, 'a', i), send(bob, 'b', i)]);
      expect((await send(alice, 'a', 0)).seq).toBe(2);
      await waitFor(
        () => streams.every((s) => textsOf(s, group.id).length >= MESSAGES),
        30_000,
        'every member to have every message after the restart',
      );
      await new Promise((r) => setTimeout(r, 300));
      const history = (await wholeHistory(alice.http, group.id))
        .filter((m) => m.kind === 'text')
        .map((m) => m.text);
      expectSameStory(streams, group.id, history);
    } finally {
      for (const r of receivers) r.close();
      await second.destroy();
    }
  });
});
