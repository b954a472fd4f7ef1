/**
 * Organising chats: mute, pin, archive and mark unread, kept per user, surviving a reload (a
 * new client asking again) and reaching the user's other devices live as `conversation.settings`.
 */
import { MAX_PINNED, MUTED_FOREVER } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  httpClient,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';

const cid = () => `org_${crypto.randomUUID()}`;
const HOUR = 3600_000;

let clock = Date.now();
let server: TestServer;
beforeAll(async () => {
  // Tokens outlive the clock's jumps (a mute of 8 hours ends by itself).
  server = await startTestServer({
    overrides: { now: () => new Date(clock), accessTokenTtlSeconds: 30 * 24 * 3600 },
  });
});
afterAll(() => server.destroy());

type Signed = Awaited<ReturnType<typeof signUp>>;

async function conversationOf(a: Signed, b: Signed, text = 'hello') {
  return (await a.http.chat.send.mutate({ to: b.user.id, text, clientMessageId: cid() }))
    .conversationId;
}

describe('organising chats', () => {
  it('mutes, pins, archives and marks unread; a reload sees it and my other device hears it live', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const carol = await signUp(server, 'carol');
    const withBob = await conversationOf(bob, alice, 'from bob');
    const withCarol = await conversationOf(carol, alice, 'from carol');
    const otherDevice = wsClient(server, alice.token);
    const stream = collectEvents(otherDevice.client);
    try {
      await stream.ready();

      const muted = await alice.http.chat.organise.mutate({ conversationId: withBob, mute: '8h' });
      expect(muted).toMatchObject({ id: withBob, muted: true });
      expect(muted.mutedUntil!.getTime()).toBe(clock + 8 * HOUR);
      const pinned = await alice.http.chat.organise.mutate({
        conversationId: withBob,
        pinned: true,
        unread: true,
      });
      expect(pinned).toMatchObject({ pinnedAt: expect.any(Date), markedUnread: true });
      await alice.http.chat.organise.mutate({ conversationId: withCarol, archived: true });

      await waitFor(
        () => stream.of('conversation.settings').length === 3,
        10_000,
        'three settings events on the other device',
      );
      expect(stream.of('conversation.settings').at(-2)).toEqual({
        type: 'conversation.settings',
        conversationId: withBob,
        mutedUntil: new Date(clock + 8 * HOUR),
        pinnedAt: pinned.pinnedAt,
        archivedAt: null,
        markedUnread: true,
      });

      // A reload: a fresh client asks again.
      const reloaded = httpClient(server, alice.token);
      const { items } = await reloaded.chat.conversations.query({ limit: 10 });
      expect(
        items.map((c) => [c.id, c.muted, c.pinnedAt !== null, c.archived, c.markedUnread]),
      ).toEqual([
        [withBob, true, true, false, true],
        [withCarol, false, false, true, false],
      ]);
      // Bob's own view of the same conversation is untouched.
      expect(await bob.http.chat.conversation.query({ conversationId: withBob })).toMatchObject({
        muted: false,
        pinnedAt: null,
        markedUnread: false,
      });
      // A replay from the start has them too.
      const replay = collectEvents(otherDevice.client, '0');
      await replay.ready();
      expect(replay.of('conversation.settings')).toHaveLength(3);
      replay.unsubscribe();
    } finally {
      stream.unsubscribe();
      otherDevice.close();
    }
  });

  it('keeps an archived chat out of sight until a new message arrives, unless it is muted', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const conversationId = await conversationOf(bob, alice);
    clock += 1000;
    expect(await alice.http.chat.organise.mutate({ conversationId, archived: true })).toMatchObject(
      { archived: true, archivedAt: new Date(clock) },
    );

    clock += 1000;
    await bob.http.chat.send.mutate({ conversationId, text: 'wake up', clientMessageId: cid() });
    expect(await alice.http.chat.conversation.query({ conversationId })).toMatchObject({
      archived: false,
    });

    clock += 1000;
    await alice.http.chat.organise.mutate({ conversationId, archived: true, mute: 'always' });
    clock += 1000;
    await bob.http.chat.send.mutate({ conversationId, text: 'still here', clientMessageId: cid() });
    const muted = await alice.http.chat.conversation.query({ conversationId });
    expect(muted).toMatchObject({ archived: true, muted: true, mutedUntil: MUTED_FOREVER });

    await alice.http.chat.organise.mutate({ conversationId, mute: null });
    expect(await alice.http.chat.conversation.query({ conversationId })).toMatchObject({
      archived: false,
      muted: false,
    });
    // A mute for 8 hours ends by itself.
    await alice.http.chat.organise.mutate({ conversationId, mute: '8h' });
    clock += 8 * HOUR + 1000;
    expect(await alice.http.chat.conversation.query({ conversationId })).toMatchObject({
      muted: false,
    });
  });

  it('clears "marked unread" when I read, on every device', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const message = await bob.http.chat.send.mutate({
      to: alice.user.id,
      text: 'read me',
      clientMessageId: cid(),
    });
    const conversationId = message.conversationId;
    await alice.http.chat.markRead.mutate({ conversationId, upTo: message.id });
    await alice.http.chat.organise.mutate({ conversationId, unread: true });
    const otherDevice = wsClient(server, alice.token);
    const stream = collectEvents(otherDevice.client);
    try {
      await stream.ready();
      await alice.http.chat.markRead.mutate({ conversationId, upTo: message.id });
      await waitFor(
        () => stream.of('conversation.settings').some((e) => !e.markedUnread),
        10_000,
        'the mark cleared on the other device',
      );
      expect(await alice.http.chat.conversation.query({ conversationId })).toMatchObject({
        markedUnread: false,
      });
    } finally {
      stream.unsubscribe();
      otherDevice.close();
    }
  });

  it('puts pinned chats first, at most a limit of them, and pinning again keeps the place', async () => {
    const alice = await signUp(server, 'alice');
    const peers = await Promise.all(
      Array.from({ length: MAX_PINNED + 1 }, (_, i) => signUp(server, `peer${i}`)),
    );
    const ids: string[] = [];
    for (const peer of peers) {
      clock += 1000;
      ids.push(await conversationOf(peer, alice));
    }
    const [oldest, second] = ids as [string, string];
    clock += 1000;
    await alice.http.chat.organise.mutate({ conversationId: oldest, pinned: true });
    clock += 1000;
    await alice.http.chat.organise.mutate({ conversationId: second, pinned: true });
    clock += 1000;
    await alice.http.chat.organise.mutate({ conversationId: oldest, pinned: true });
    const { items } = await alice.http.chat.conversations.query({ limit: 3 });
    expect(items.map((c) => c.id)).toEqual([second, oldest, ids.at(-1)]);

    for (const id of ids.slice(2, MAX_PINNED))
      await alice.http.chat.organise.mutate({ conversationId: id, pinned: true });
    const refused = await rejection(
      alice.http.chat.organise.mutate({ conversationId: ids.at(-1)!, pinned: true }),
    );
    expect(refused.data?.code).toBe('CONFLICT');
    expect(refused.message).toMatch(new RegExp(`at most ${MAX_PINNED}`));
  });

  it('refuses what makes no sense, and conversations I was never in', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const eve = await signUp(server, 'eve');
    const conversationId = await conversationOf(alice, bob);
    const nothing = await rejection(alice.http.chat.organise.mutate({ conversationId }));
    expect(nothing.data?.code).toBe('BAD_REQUEST');
    expect(nothing.message).toMatch(/Nothing to change/);
    const badMute = await rejection(
      alice.http.chat.organise.mutate({ conversationId, mute: '3d' as '8h' }),
    );
    expect(badMute.data?.code).toBe('BAD_REQUEST');
    expect(
      (await rejection(eve.http.chat.organise.mutate({ conversationId, pinned: true }))).data?.code,
    ).toBe('NOT_FOUND');
  });
});
