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
      const history = await bob.http.chat.history.query({ withUserId: alice.user.id });
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
  it('pages newest first and stays stable while new messages arrive', async () => {
    const alice = await signUp(server, 'hist_a');
    const bob = await signUp(server, 'hist_b');
    for (let i = 0; i < 25; i++)
      await alice.http.chat.send.mutate({ to: bob.user.id, text: `h${i}`, clientMessageId: cid() });
    const seen: string[] = [];
    let before: string | null = null;
    let inserted = 0;
    for (;;) {
      const page: Awaited<ReturnType<typeof bob.http.chat.history.query>> =
        await bob.http.chat.history.query({
          withUserId: alice.user.id,
          before,
          limit: 10,
        });
      seen.push(...page.items.map((m) => m.text));
      await bob.http.chat.send.mutate({
        to: alice.user.id,
        text: `new${inserted++}`,
        clientMessageId: cid(),
      });
      if (!page.nextCursor) break;
      before = page.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `h${24 - i}`));
    const first = await bob.http.chat.history.query({ withUserId: alice.user.id, limit: 3 });
    expect(first.items.map((m) => m.text)).toEqual([
      `new${inserted - 1}`,
      `new${inserted - 2}`,
      `new${inserted - 3}`,
    ]);
  });

  it('refuses bad limits and foreign cursors', async () => {
    const alice = await signUp(server, 'hist_c');
    const bob = await signUp(server, 'hist_d');
    const carol = await signUp(server, 'hist_e');
    const m = await alice.http.chat.send.mutate({
      to: carol.user.id,
      text: 'x',
      clientMessageId: cid(),
    });
    await alice.http.chat.send.mutate({ to: bob.user.id, text: 'y', clientMessageId: cid() });
    expect(
      (await rejection(alice.http.chat.history.query({ withUserId: bob.user.id, limit: 101 }))).data
        ?.code,
    ).toBe('BAD_REQUEST');
    expect(
      (await rejection(alice.http.chat.history.query({ withUserId: bob.user.id, before: m.id })))
        .data?.code,
    ).toBe('BAD_REQUEST');
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
      await alice.http.chat.typing.mutate({ to: bob.user.id, isTyping: true });
      await bob.http.chat.markRead.mutate({ withUserId: alice.user.id, upTo: m.id });

      // Eve's own view of either of them is empty: a conversation is found only by its members.
      expect((await eve.http.chat.history.query({ withUserId: alice.user.id })).items).toEqual([]);
      expect((await eve.http.chat.history.query({ withUserId: bob.user.id })).items).toEqual([]);
      expect((await eve.http.chat.conversations.query({})).items).toEqual([]);
      expect(
        (await eve.http.chat.history.query({ withUserId: alice.user.id, before: m.id })).items,
      ).toEqual([]);
      expect(
        (await rejection(eve.http.chat.markRead.mutate({ withUserId: alice.user.id, upTo: m.id })))
          .data?.code,
      ).toBe('NOT_FOUND');
      expect(
        (
          await rejection(
            eve.http.chat.ackDelivered.mutate({ withUserId: bob.user.id, upTo: m.id }),
          )
        ).data?.code,
      ).toBe('NOT_FOUND');
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
      const bobHistory = await bob.http.chat.history.query({ withUserId: alice.user.id });
      expect(bobHistory.items.map((x) => x.text)).toEqual(['secret']);
    } finally {
      eveTab.close();
    }
  });
});
