import { describe, expect, it } from 'vitest';
import type { ConversationSummary, User } from '../types.ts';
import { createUsers, nextDate, send, type ContractContext } from './fixtures.ts';

export function conversationContract({ store }: ContractContext): void {
  describe('conversations', () => {
    async function summaries(user: User): Promise<ConversationSummary[]> {
      return (await store().listConversations({ userId: user.id, limit: 50 })).items;
    }

    async function summaryWith(user: User, peer: User): Promise<ConversationSummary | undefined> {
      return (await summaries(user)).find((summary) =>
        summary.conversation.memberIds.includes(peer.id),
      );
    }

    it('lists my conversations latest activity first, each with its last message', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      await send(store(), alice, bob, 'to bob');
      await send(store(), carol, alice, 'from carol');
      await send(store(), alice, dave, 'to dave');
      const latest = await send(store(), bob, alice, 'bob again');

      const list = await store().listConversations({ userId: alice.id, limit: 10 });

      expect(list.nextCursor).toBeNull();
      expect(list.items.map((summary) => summary.lastMessage?.text)).toEqual([
        'bob again',
        'to dave',
        'from carol',
      ]);
      const [top] = list.items;
      expect(top?.lastMessage).toEqual(latest.message);
      expect(top?.conversation.id).toBe(latest.message.conversationId);
      expect(top?.conversation.memberIds.toSorted()).toEqual([alice.id, bob.id].toSorted());
      expect(top?.conversation.lastMessageAt).toEqual(latest.message.createdAt);
      expect(top?.members.map((member) => member.userId).toSorted()).toEqual(
        [alice.id, bob.id].toSorted(),
      );
      expect((await summaries(carol)).map((summary) => summary.lastMessage?.text)).toEqual([
        'from carol',
      ]);
    });

    it('pages through my conversations with the cursor, without repeats', async () => {
      const [me, ...peers] = await createUsers(store(), 'me', 'p1', 'p2', 'p3', 'p4', 'p5');
      for (const peer of peers) await send(store(), peer, me);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store().listConversations({ userId: me.id, limit: 2, cursor });
        seen.push(...page.items.map((summary) => summary.lastMessage?.senderId ?? ''));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);

      expect(seen).toEqual(peers.map((peer) => peer.id).reverse());
      expect(pages).toBe(3);
    });

    it('lists nothing for a user without conversations', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      await send(store(), alice, bob);

      expect(await store().listConversations({ userId: carol.id, limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('lists everyone I share a conversation with, once each', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      await send(store(), alice, bob);
      await send(store(), bob, alice);
      await send(store(), carol, alice);
      await send(store(), bob, carol);

      expect((await store().listPeerIds(alice.id)).toSorted()).toEqual(
        [bob.id, carol.id].toSorted(),
      );
      expect((await store().listPeerIds(bob.id)).toSorted()).toEqual(
        [alice.id, carol.id].toSorted(),
      );
      expect(await store().listPeerIds(dave.id)).toEqual([]);
    });

    it('counts messages from others after my read position as unread', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const sent = [];
      for (let n = 1; n <= 3; n += 1) sent.push(await send(store(), alice, bob, `m${n}`));
      const conversationId = sent[0]?.message.conversationId ?? '';
      const markRead = (upToSeq: number) =>
        store().markRead({ conversationId, userId: bob.id, upToSeq, at: nextDate() });

      expect((await summaryWith(bob, alice))?.unreadCount).toBe(3);
      expect((await summaryWith(alice, bob))?.unreadCount).toBe(0);

      await markRead(2);
      expect((await summaryWith(bob, alice))?.unreadCount).toBe(1);

      await markRead(3);
      expect((await summaryWith(bob, alice))?.unreadCount).toBe(0);

      await send(store(), bob, alice, 'reply');
      expect((await summaryWith(alice, bob))?.unreadCount).toBe(1);
      expect((await summaryWith(bob, alice))?.unreadCount).toBe(0);
    });

    it('moves the sender past their own message only when they had read everything before it', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      await send(store(), alice, bob, 'one');
      await send(store(), alice, bob, 'two');

      const memberState = async (user: User) =>
        (await summaryWith(user, user === alice ? bob : alice))?.members.find(
          (member) => member.userId === user.id,
        );
      expect(await memberState(alice)).toEqual({ userId: alice.id, deliveredSeq: 2, readSeq: 2 });
      expect(await memberState(bob)).toEqual({ userId: bob.id, deliveredSeq: 0, readSeq: 0 });

      await send(store(), bob, alice, 'sent before reading');

      expect(await memberState(bob)).toEqual({ userId: bob.id, deliveredSeq: 0, readSeq: 0 });
      expect((await summaryWith(bob, alice))?.unreadCount).toBe(2);
      expect((await summaryWith(alice, bob))?.unreadCount).toBe(1);
    });
  });
}
