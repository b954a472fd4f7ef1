import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  rejection,
  signUp,
  startTestServer,
  wsClient,
  type TestServer,
} from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

const cid = () => `c_${crypto.randomUUID()}`;

describe('idempotent send', () => {
  it('turns 5 concurrent sends with one clientMessageId into one message', async () => {
    const alice = await signUp(server, 'idem_a');
    const bob = await signUp(server, 'idem_b');
    const clientMessageId = cid();
    const ws = wsClient(server, alice.token);
    try {
      const results = await Promise.all([
        ...[1, 2, 3].map(() =>
          alice.http.chat.send.mutate({ to: bob.user.id, text: 'once', clientMessageId }),
        ),
        ...[1, 2].map(() =>
          ws.client.chat.send.mutate({ to: bob.user.id, text: 'once', clientMessageId }),
        ),
      ]);
      expect(new Set(results.map((m) => m.id)).size).toBe(1);
      const history = await bob.http.chat.history.query({
        conversationId: results[0]!.conversationId,
      });
      expect(history.items.map((m) => m.text)).toEqual(['once']);
      const replay = collectEvents(wsClient(server, bob.token).client, '0');
      await replay.ready();
      expect(replay.of('message.new')).toHaveLength(1);
      replay.unsubscribe();
    } finally {
      ws.close();
    }
  });
});

describe('history', () => {
  it('pages both ways, oldest first in a page, stable while new messages arrive', async () => {
    const alice = await signUp(server, 'hist_a');
    const bob = await signUp(server, 'hist_b');
    let conversationId = '';
    for (let i = 0; i < 25; i++) {
      const m = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: `h${i}`,
        clientMessageId: cid(),
      });
      conversationId = m.conversationId;
    }
    type Page = Awaited<ReturnType<typeof bob.http.chat.history.query>>;
    const pages: Page[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    do {
      const page: Page = await bob.http.chat.history.query({ conversationId, cursor, limit: 10 });
      pages.push(page);
      await bob.http.chat.send.mutate({
        to: alice.user.id,
        text: `new${inserted++}`,
        clientMessageId: cid(),
      });
      cursor = page.olderCursor;
    } while (cursor);
    expect(pages.map((p) => p.items.map((m) => m.text))).toEqual([
      Array.from({ length: 10 }, (_, i) => `h${15 + i}`),
      Array.from({ length: 10 }, (_, i) => `h${5 + i}`),
      Array.from({ length: 5 }, (_, i) => `h${i}`),
    ]);
    expect(pages[0]?.newerCursor).toBeNull();
    // From an old page, newer pages lead back to the newest messages, new ones included.
    const oldest = pages[2]!;
    const newer = await bob.http.chat.history.query({
      conversationId,
      cursor: oldest.newerCursor,
      limit: 10,
    });
    expect(newer.items.map((m) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `h${5 + i}`),
    );
    const newest = await bob.http.chat.history.query({ conversationId, limit: 3 });
    expect(newest.items.map((m) => m.text)).toEqual([
      `new${inserted - 3}`,
      `new${inserted - 2}`,
      `new${inserted - 1}`,
    ]);
    expect(newest.newerCursor).toBeNull();
  });

  it('opens a page around a message, to jump to it', async () => {
    const alice = await signUp(server, 'hist_f');
    const bob = await signUp(server, 'hist_g');
    const sent = [];
    for (let i = 0; i < 30; i++)
      sent.push(
        await alice.http.chat.send.mutate({
          to: bob.user.id,
          text: `m${i}`,
          clientMessageId: cid(),
        }),
      );
    const target = sent[12]!;
    const page = await bob.http.chat.history.query({
      conversationId: target.conversationId,
      around: target.id,
      limit: 6,
    });
    expect(page.items.map((m) => m.text)).toEqual(['m9', 'm10', 'm11', 'm12', 'm13', 'm14']);
    expect(page.olderCursor).not.toBeNull();
    expect(page.newerCursor).not.toBeNull();
  });

  it('opens where I left off: around my first unread message, or at the end when all is read', async () => {
    const alice = await signUp(server, 'hist_h');
    const bob = await signUp(server, 'hist_i');
    const sent = [];
    for (let i = 0; i < 20; i++)
      sent.push(
        await alice.http.chat.send.mutate({
          to: bob.user.id,
          text: `m${i}`,
          clientMessageId: cid(),
        }),
      );
    const { conversationId } = sent[0]!;
    await bob.http.chat.markRead.mutate({ conversationId, upTo: sent[7]!.id });
    const unread = await bob.http.chat.history.query({
      conversationId,
      around: 'unread',
      limit: 6,
    });
    expect(unread.items.map((m) => m.text)).toEqual(['m5', 'm6', 'm7', 'm8', 'm9', 'm10']);
    expect(unread.olderCursor).not.toBeNull();
    expect(unread.newerCursor).not.toBeNull();

    await bob.http.chat.markRead.mutate({ conversationId, upTo: sent[19]!.id });
    const read = await bob.http.chat.history.query({ conversationId, around: 'unread', limit: 4 });
    expect(read.items.map((m) => m.text)).toEqual(['m16', 'm17', 'm18', 'm19']);
    expect(read.newerCursor).toBeNull();
  });

  it('refuses bad limits, foreign cursors and messages of other conversations', async () => {
    const alice = await signUp(server, 'hist_c');
    const bob = await signUp(server, 'hist_d');
    const carol = await signUp(server, 'hist_e');
    const m = await alice.http.chat.send.mutate({
      to: carol.user.id,
      text: 'x',
      clientMessageId: cid(),
    });
    const { conversationId } = await alice.http.chat.send.mutate({
      to: bob.user.id,
      text: 'y',
      clientMessageId: cid(),
    });
    const code = async (input: Parameters<typeof alice.http.chat.history.query>[0]) =>
      (await rejection(alice.http.chat.history.query(input))).data?.code;
    expect(await code({ conversationId, limit: 101 })).toBe('BAD_REQUEST');
    expect(await code({ conversationId, around: m.id })).toBe('BAD_REQUEST');
    expect(await code({ conversationId, cursor: 'z:1' })).toBe('BAD_REQUEST');
  });
});

describe('authorisation', () => {
  it('keeps a third user out of a conversation on every procedure', async () => {
    const alice = await signUp(server, 'priv_a');
    const bob = await signUp(server, 'priv_b');
    const eve = await signUp(server, 'priv_eve');
    const eveTab = wsClient(server, eve.token);
    const eveStream = collectEvents(eveTab.client);
    await eveStream.ready();
    try {
      const m = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'secret',
        clientMessageId: cid(),
      });
      const conversationId = m.conversationId;
      await alice.http.chat.typing.mutate({ conversationId, isTyping: true });
      await bob.http.chat.markRead.mutate({ conversationId, upTo: m.id });

      // A conversation is found only by its members.
      const refused = async (call: Promise<unknown>) => (await rejection(call)).data?.code;
      expect(await refused(eve.http.chat.history.query({ conversationId }))).toBe('NOT_FOUND');
      expect(await refused(eve.http.chat.conversation.query({ conversationId }))).toBe('NOT_FOUND');
      expect((await eve.http.chat.conversations.query({})).items).toEqual([]);
      expect(await refused(eve.http.chat.markRead.mutate({ conversationId, upTo: m.id }))).toBe(
        'NOT_FOUND',
      );
      expect(await refused(eve.http.chat.ackDelivered.mutate({ conversationId, upTo: m.id }))).toBe(
        'NOT_FOUND',
      );
      expect(
        await refused(
          eve.http.chat.send.mutate({ conversationId, text: 'hi', clientMessageId: cid() }),
        ),
      ).toBe('NOT_FOUND');
      expect(await refused(eve.http.chat.typing.mutate({ conversationId, isTyping: true }))).toBe(
        'NOT_FOUND',
      );
      expect(await refused(eve.http.chat.messageInfo.query({ messageId: m.id }))).toBe('NOT_FOUND');
      // lastEventId of someone else's stream only addresses Eve's own stream.
      const replay = collectEvents(eveTab.client, '0');
      await replay.ready();
      await new Promise((r) => setTimeout(r, 200));
      for (const stream of [eveStream, replay]) {
        expect(
          stream.items
            .map((i) => i.data.type)
            .filter((t) => t !== 'ready' && t !== 'presence.snapshot'),
        ).toEqual([]);
      }
      const bobHistory = await bob.http.chat.history.query({ conversationId });
      expect(bobHistory.items.map((x) => x.text)).toEqual(['secret']);
    } finally {
      eveTab.close();
    }
  });
});
