import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { othersReached, type SendInput } from '@parley/api';
import {
  collectEvents,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

const cid = () => `c_${crypto.randomUUID()}`;

async function pair() {
  const alice = await signUp(server, 'alice');
  const bob = await signUp(server, 'bob');
  return { alice, bob };
}

describe('chat in real time', () => {
  it('delivers a message to the recipient and to the sender’s other tab, then receipts back', async () => {
    const { alice, bob } = await pair();
    const aliceTab1 = wsClient(server, alice.token);
    const aliceTab2 = wsClient(server, alice.token);
    const bobTab = wsClient(server, bob.token);
    try {
      const a2 = collectEvents(aliceTab2.client);
      const b = collectEvents(bobTab.client);
      await Promise.all([a2.ready(), b.ready()]);

      const sent = await aliceTab1.client.chat.send.mutate({
        to: bob.user.id,
        text: '  hello bob  ',
        clientMessageId: cid(),
      });
      expect(sent).toMatchObject({ senderId: alice.user.id, text: 'hello bob', seq: 1 });
      expect(sent.createdAt).toBeInstanceOf(Date);

      const received = await waitFor(() => b.of('message.new')[0], 5000, 'bob to receive');
      expect(received.message).toEqual(sent);
      expect((await waitFor(() => a2.of('message.new')[0])).message.id).toBe(sent.id);

      const conversationId = sent.conversationId;
      const a1 = collectEvents(aliceTab1.client);
      await a1.ready();
      await bobTab.client.chat.ackDelivered.mutate({ conversationId, upTo: sent.id });
      const delivered = await waitFor(
        () => a1.of('receipts').find((r) => othersReached(r.marks.delivered, alice.user.id) >= 1),
        5000,
        'the delivered receipt',
      );
      expect(delivered.conversationId).toBe(conversationId);
      expect(othersReached(delivered.marks.read, alice.user.id)).toBe(0);

      const before = await bob.http.chat.conversations.query({});
      expect(before.items[0]).toMatchObject({ unreadCount: 1, peer: { id: alice.user.id } });
      await bobTab.client.chat.markRead.mutate({ conversationId, upTo: sent.id });
      await waitFor(
        () => a1.of('receipts').find((r) => othersReached(r.marks.read, alice.user.id) >= 1),
        5000,
        'the read receipt',
      );
      expect(await waitFor(() => b.of('conversation.read')[0])).toMatchObject({
        conversationId,
        readSeq: 1,
        unreadCount: 0,
      });
      expect(a1.of('conversation.read')).toEqual([]);
      const after = await bob.http.chat.conversations.query({});
      expect(after.items[0]?.unreadCount).toBe(0);
      const aliceView = await alice.http.chat.conversations.query({});
      expect(aliceView.items[0]).toMatchObject({ kind: 'direct', lastMessage: { id: sent.id } });
      expect(othersReached(aliceView.items[0]!.receipts.read, alice.user.id)).toBe(1);
    } finally {
      for (const c of [aliceTab1, aliceTab2, bobTab]) c.close();
    }
  });

  it('shows typing to the other members only, and lets it expire', async () => {
    const { alice, bob } = await pair();
    const carol = await signUp(server, 'carol');
    const { conversationId } = await alice.http.chat.send.mutate({
      to: bob.user.id,
      text: 'hi',
      clientMessageId: cid(),
    });
    const bobTab = wsClient(server, bob.token);
    const carolTab = wsClient(server, carol.token);
    try {
      const b = collectEvents(bobTab.client);
      const c = collectEvents(carolTab.client);
      await Promise.all([b.ready(), c.ready()]);
      await alice.http.chat.typing.mutate({ conversationId, isTyping: true });
      await alice.http.chat.typing.mutate({ conversationId, isTyping: true });
      expect(await waitFor(() => b.of('typing')[0])).toEqual({
        type: 'typing',
        conversationId,
        userId: alice.user.id,
        isTyping: true,
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(b.of('typing')).toHaveLength(1);
      const expired = await waitFor(() => b.of('typing')[1], 7000, 'typing to expire');
      expect(expired).toEqual({
        type: 'typing',
        conversationId,
        userId: alice.user.id,
        isTyping: false,
      });
      expect(c.of('typing')).toEqual([]);
      // Typing needs a conversation to type in: a stranger's is refused.
      expect(
        (await rejection(carol.http.chat.typing.mutate({ conversationId, isTyping: true }))).data
          ?.code,
      ).toBe('NOT_FOUND');
    } finally {
      bobTab.close();
      carolTab.close();
    }
  });

  it('tells contacts when a user comes online and leaves, with last seen', async () => {
    const { alice, bob } = await pair();
    await alice.http.chat.send.mutate({ to: bob.user.id, text: 'hi', clientMessageId: cid() });
    const aliceTab = wsClient(server, alice.token);
    try {
      const a = collectEvents(aliceTab.client);
      await a.ready();
      expect(a.of('presence.snapshot')[0]?.online).toEqual([]);
      const bobTab = wsClient(server, bob.token);
      await bobTab.client.auth.me.query();
      expect(await waitFor(() => a.of('presence')[0])).toMatchObject({
        userId: bob.user.id,
        online: true,
      });
      const listed = await alice.http.users.search.query({ q: bob.username });
      expect(listed[0]?.online).toBe(true);
      const secondBobTab = wsClient(server, bob.token);
      await secondBobTab.client.auth.me.query();
      bobTab.close();
      await new Promise((r) => setTimeout(r, 200));
      expect(a.of('presence')).toHaveLength(1);
      secondBobTab.close();
      const offline = await waitFor(() => a.of('presence')[1], 5000, 'bob to go offline');
      expect(offline).toMatchObject({ userId: bob.user.id, online: false });
      expect(offline.type === 'presence' && offline.lastSeenAt).toBeInstanceOf(Date);
      const conversations = await alice.http.chat.conversations.query({});
      expect(conversations.items[0]?.peer).toMatchObject({
        online: false,
        lastSeenAt: expect.any(Date),
      });

      const reconnect = wsClient(server, alice.token);
      const again = collectEvents(reconnect.client);
      const bobBack = wsClient(server, bob.token);
      await bobBack.client.auth.me.query();
      await again.ready();
      await waitFor(
        () =>
          again.of('presence.snapshot')[0]?.online.includes(bob.user.id) ||
          again.of('presence').some((p) => p.userId === bob.user.id && p.online),
        5000,
        'the snapshot or a live event to show bob online',
      );
      reconnect.close();
      bobBack.close();
    } finally {
      aliceTab.close();
    }
  });

  it('refuses bad sends with readable errors', async () => {
    const { alice, bob } = await pair();
    const bad = [
      [
        { to: bob.user.id, text: '   ', clientMessageId: cid() },
        'BAD_REQUEST',
        /text or an attachment/,
      ],
      [
        { to: bob.user.id, text: 'x'.repeat(4001), clientMessageId: cid() },
        'BAD_REQUEST',
        /at most 4000/,
      ],
      [{ to: bob.user.id, text: 'hi', clientMessageId: 'short' }, 'BAD_REQUEST', /8 to 64/],
      [{ to: alice.user.id, text: 'hi', clientMessageId: cid() }, 'BAD_REQUEST', /yourself/],
      [{ to: 'no-such-user', text: 'hi', clientMessageId: cid() }, 'NOT_FOUND', /does not exist/],
      [
        { conversationId: 'no-such-conversation', text: 'hi', clientMessageId: cid() },
        'NOT_FOUND',
        /not in it/,
      ],
    ] as const;
    for (const [input, code, message] of bad) {
      const error = await rejection(alice.http.chat.send.mutate(input as SendInput));
      expect(error.data?.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    const both = { conversationId: 'x', to: bob.user.id, text: 'hi', clientMessageId: cid() };
    // @ts-expect-error -- a message goes to a conversation or to a user, not both
    const error = await rejection(alice.http.chat.send.mutate(both));
    expect(error.message).toMatch(/conversationId, or a user id as "to"/);
  });
});
