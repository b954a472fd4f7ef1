/**
 * Message search through the router: only what the caller may read, newest first, with snippets as
 * segments and the sender's name; edits and deletions reflected at once; a removed member finds
 * nothing said after the removal; opening a result is `chat.history({ around })`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, signUp, startTestServer, wsClient, type TestServer } from './harness.ts';

const cid = () => `find_${crypto.randomUUID()}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

describe('chat.search', () => {
  it('finds what I may read in all my conversations or one, newest first, with snippets and senders', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const carol = await signUp(server, 'carol');
    const mallory = await signUp(server, 'mallory');
    await bob.http.chat.send.mutate({
      to: alice.user.id,
      text: 'Ristretto, ristretto and more ristretto',
      clientMessageId: cid(),
    });
    const group = await carol.http.groups.create.mutate({
      title: 'Coffee',
      memberIds: [alice.user.id],
    });
    await carol.http.chat.send.mutate({
      conversationId: group.id,
      text: 'A RISTRETTO for me please',
      clientMessageId: cid(),
    });
    await mallory.http.chat.send.mutate({
      to: bob.user.id,
      text: 'ristretto between mallory and bob',
      clientMessageId: cid(),
    });

    const found = await alice.http.chat.search.query({ q: 'ristretto', limit: 10 });
    expect(found.nextCursor).toBeNull();
    expect(found.items.map((hit) => [hit.message.text, hit.sender?.displayName])).toEqual([
      ['A RISTRETTO for me please', carol.user.displayName],
      ['Ristretto, ristretto and more ristretto', bob.user.displayName],
    ]);
    expect(found.items[0]!.snippet).toEqual([
      { text: 'A ', match: false },
      { text: 'RISTRETTO', match: true },
      { text: ' for me please', match: false },
    ]);

    const inGroup = await alice.http.chat.search.query({
      q: 'ristr',
      conversationId: group.id,
      limit: 10,
    });
    expect(inGroup.items.map((hit) => hit.message.conversationId)).toEqual([group.id]);

    // Opening a result: the history around it.
    const around = await alice.http.chat.history.query({
      conversationId: group.id,
      around: inGroup.items[0]!.message.id,
      limit: 10,
    });
    expect(around.items.map((m) => m.id)).toContain(inGroup.items[0]!.message.id);

    const notMine = await rejection(
      mallory.http.chat.search.query({ q: 'ristretto', conversationId: group.id, limit: 10 }),
    );
    expect(notMine.data?.code).toBe('NOT_FOUND');
  });

  it('reflects edits and deletions at once, over the WebSocket too', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const socket = wsClient(server, bob.token);
    try {
      const draft = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'the password is swordfish',
        clientMessageId: cid(),
      });
      const search = (q: string) => socket.client.chat.search.query({ q, limit: 10 });
      expect((await search('swordfish')).items).toHaveLength(1);

      await alice.http.chat.edit.mutate({ messageId: draft.id, text: 'the password is hidden' });
      expect((await search('swordfish')).items).toEqual([]);
      expect((await search('hidden')).items.map((h) => h.message.id)).toEqual([draft.id]);

      await alice.http.chat.delete.mutate({ messageId: draft.id, forEveryone: true });
      expect((await search('hidden')).items).toEqual([]);
      expect((await search('password')).items).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('finds nothing of a group said after my removal, and what I had before', async () => {
    const owner = await signUp(server, 'owner');
    const member = await signUp(server, 'member');
    const group = await owner.http.groups.create.mutate({
      title: 'Plans',
      memberIds: [member.user.id],
    });
    await owner.http.chat.send.mutate({
      conversationId: group.id,
      text: 'surprise party on friday',
      clientMessageId: cid(),
    });
    await owner.http.groups.removeMember.mutate({
      conversationId: group.id,
      userId: member.user.id,
    });
    await owner.http.chat.send.mutate({
      conversationId: group.id,
      text: 'surprise party moved to saturday',
      clientMessageId: cid(),
    });

    const mine = await member.http.chat.search.query({ q: 'surprise party', limit: 10 });
    expect(mine.items.map((hit) => hit.message.text)).toEqual(['surprise party on friday']);
    const within = await member.http.chat.search.query({
      q: 'saturday',
      conversationId: group.id,
      limit: 10,
    });
    expect(within.items).toEqual([]);
  });

  it('refuses an empty or oversized query with a readable error', async () => {
    const alice = await signUp(server, 'alice');
    for (const q of ['', '   ', 'x'.repeat(201)]) {
      const error = await rejection(alice.http.chat.search.query({ q, limit: 10 }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/search/i);
    }
    expect((await alice.http.chat.search.query({ q: '!!!', limit: 10 })).items).toEqual([]);
  });
});
