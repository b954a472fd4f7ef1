import { describe, expect, it } from 'vitest';
import type { ConversationSummary, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  MANAGERS,
  nextDate,
  post,
  send,
  type ContractContext,
} from './fixtures.ts';

export function conversationContract({ store }: ContractContext): void {
  describe('conversations', () => {
    async function summaries(user: User): Promise<ConversationSummary[]> {
      return (await store().listConversations({ userId: user.id, limit: 50 })).items;
    }

    async function summaryWith(user: User, peer: User): Promise<ConversationSummary | undefined> {
      return (await summaries(user)).find((summary) => summary.peerId === peer.id);
    }

    it('lists my conversations latest activity first, each with its last message', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      await send(store(), alice, bob, 'to bob');
      await send(store(), carol, alice, 'from carol');
      const group = await createGroup(store(), dave, [alice], { title: 'Daves' });
      await post(store(), dave, group.conversation.id, 'in the group');
      const latest = await send(store(), bob, alice, 'bob again');

      const list = await store().listConversations({ userId: alice.id, limit: 10 });

      expect(list.nextCursor).toBeNull();
      expect(list.items.map((summary) => summary.lastMessage?.text)).toEqual([
        'bob again',
        'in the group',
        'from carol',
      ]);
      const [top, inGroup] = list.items;
      expect(top?.lastMessage).toEqual(latest.message);
      expect(top?.conversation).toMatchObject({
        id: latest.message.conversationId,
        kind: 'direct',
      });
      expect(top?.peerId).toBe(bob.id);
      expect(top?.membership).toMatchObject({ userId: alice.id, role: 'member', leftAt: null });
      expect(top?.conversation.lastMessageAt).toEqual(latest.message.createdAt);
      expect(inGroup?.conversation).toMatchObject({
        kind: 'group',
        title: 'Daves',
        memberCount: 2,
      });
      expect(inGroup?.peerId).toBeNull();
      expect((await summaries(carol)).map((summary) => summary.lastMessage?.text)).toEqual([
        'from carol',
      ]);
      expect(await store().getConversationSummary(alice.id, group.conversation.id)).toEqual(
        inGroup,
      );
      expect(await store().getConversationSummary(bob.id, group.conversation.id)).toBeNull();
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
      expect(
        await store().listConversations({ userId: me.id, limit: 2, cursor: 'not-a-cursor' }),
      ).toEqual({ items: [], nextCursor: null });
    });

    it('lists nothing for a user without conversations', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      await send(store(), alice, bob);

      expect(await store().listConversations({ userId: carol.id, limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('keeps a conversation I left in my list, as it was when I left', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { conversation } = await createGroup(store(), alice, [bob]);
      await post(store(), alice, conversation.id, 'while bob is here');
      const left = await changeGroup(store(), {
        type: 'leave',
        conversationId: conversation.id,
        actorId: bob.id,
      });
      await post(store(), alice, conversation.id, 'after bob left');

      const [summary] = await summaries(bob);
      expect(summary?.membership.leftAt).toEqual(left.message?.createdAt);
      expect(summary?.lastMessage?.id).toBe(left.message?.id);
      expect(summary?.unreadCount).toBe(1);
      expect((await summaries(alice))[0]?.lastMessage?.text).toBe('after bob left');
    });

    it('lists everyone I share a small enough current conversation with, once each', async () => {
      const [alice, bob, carol, dave, erin] = await createUsers(
        store(),
        'alice',
        'bob',
        'carol',
        'dave',
        'erin',
      );
      await send(store(), alice, bob);
      await send(store(), bob, alice);
      await send(store(), carol, alice);
      await send(store(), bob, carol);
      const big = await createGroup(store(), erin, [alice, dave]);
      const small = await createGroup(store(), bob, [carol, dave]);

      expect((await store().listPeerIds(alice.id, 2)).toSorted()).toEqual(
        [bob.id, carol.id].toSorted(),
      );
      expect((await store().listPeerIds(alice.id, 3)).toSorted()).toEqual(
        [bob.id, carol.id, dave.id, erin.id].toSorted(),
      );
      expect((await store().listPeerIds(dave.id, 3)).toSorted()).toEqual(
        [alice.id, bob.id, carol.id, erin.id].toSorted(),
      );
      expect((await store().listConversationIds(dave.id, 3)).toSorted()).toEqual(
        [big.conversation.id, small.conversation.id].toSorted(),
      );
      expect(await store().listConversationIds(dave.id, 2)).toEqual([]);
      await changeGroup(store(), {
        type: 'leave',
        conversationId: big.conversation.id,
        actorId: dave.id,
      });
      expect((await store().listPeerIds(dave.id, 3)).toSorted()).toEqual(
        [bob.id, carol.id].toSorted(),
      );
      expect(await store().listPeerIds('nobody', 10)).toEqual([]);
    });

    it('counts messages from others after my read position as unread, and mentions of me', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const id = conversation.id;
      await post(store(), alice, id, 'one');
      await post(store(), carol, id, 'hi @bob', { mentionUsernames: ['bob'] });
      await post(store(), alice, id, 'three');
      const group = async (user: User) =>
        (await summaries(user)).find((s) => s.conversation.id === id);
      const markRead = (upToSeq: number) =>
        store().markRead({ conversationId: id, userId: bob.id, upToSeq, at: nextDate() });

      // seq 1 is the system message: not counted.
      expect(await group(bob)).toMatchObject({ unreadCount: 3, mentionCount: 1 });
      expect(await group(alice)).toMatchObject({ unreadCount: 1, mentionCount: 0 });

      await markRead(3);
      expect(await group(bob)).toMatchObject({ unreadCount: 1, mentionCount: 0 });

      await markRead(4);
      expect(await group(bob)).toMatchObject({ unreadCount: 0, mentionCount: 0 });

      await post(store(), bob, id, 'reply');
      expect((await group(alice))?.unreadCount).toBe(2);
      expect((await group(bob))?.unreadCount).toBe(0);
    });

    it('moves the sender past their own message only when they had read everything before it', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), alice, bob, 'one');
      await send(store(), alice, bob, 'two');
      const id = message.conversationId;

      expect(await store().getMembership(id, alice.id)).toMatchObject({
        deliveredSeq: 2,
        readSeq: 2,
      });
      expect(await store().getMembership(id, bob.id)).toMatchObject({
        deliveredSeq: 0,
        readSeq: 0,
      });

      await send(store(), bob, alice, 'sent before reading');

      expect(await store().getMembership(id, bob.id)).toMatchObject({
        deliveredSeq: 0,
        readSeq: 0,
      });
      expect((await summaryWith(bob, alice))?.unreadCount).toBe(2);
      expect((await summaryWith(alice, bob))?.unreadCount).toBe(1);
      expect(await store().getMembership(id, 'nobody')).toBeNull();
    });

    it('lists current members, owner first, then admins, then by joining, in pages', async () => {
      const users = await createUsers(store(), 'owner', 'm1', 'm2', 'm3', 'm4');
      const [owner, m1, m2, m3, m4] = users;
      const { conversation } = await createGroup(store(), owner, [m1, m2, m3]);
      const id = conversation.id;
      await changeGroup(store(), {
        type: 'setRole',
        conversationId: id,
        actorId: owner.id,
        userId: m3.id,
        role: 'admin',
        policy: { owner: ['admin', 'member'] },
      });
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: owner.id,
        userIds: [m4.id],
        policy: MANAGERS,
      });
      await changeGroup(store(), { type: 'leave', conversationId: id, actorId: m1.id });

      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store().listMembers({ conversationId: id, limit: 2, cursor });
        all.push(...page.items.map((m) => `${m.role}:${m.userId}`));
        cursor = page.nextCursor;
      } while (cursor);

      const rest = [m2.id].map((uid) => `member:${uid}`).concat(`member:${m4.id}`);
      expect(all).toEqual([`owner:${owner.id}`, `admin:${m3.id}`, ...rest]);
      const [first] = (await store().listMembers({ conversationId: id, limit: 1 })).items;
      expect(first?.joinedAt).toBeInstanceOf(Date);
    });

    it('answers a member list cursor it did not issue with an empty page', async () => {
      const [owner, m1] = await createUsers(store(), 'owner', 'm1');
      const { conversation } = await createGroup(store(), owner, [m1]);
      const forged = ['not-a-cursor', 'x:y:z', Buffer.from('["a",1]').toString('base64url')];
      for (const cursor of forged) {
        const page = await store().listMembers({
          conversationId: conversation.id,
          limit: 5,
          cursor,
        });
        expect(page, `cursor ${cursor}`).toEqual({ items: [], nextCursor: null });
      }
      // The same list without a cursor is not empty (so the answers above could fail).
      const all = await store().listMembers({ conversationId: conversation.id, limit: 5 });
      expect(all.items).toHaveLength(2);
    });

    it('finds open public groups by any word of their title, largest first', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const hikers = await createGroup(store(), alice, [bob, carol], {
        title: 'Weekend Hikers',
        isPublic: true,
      });
      const runners = await createGroup(store(), bob, [], {
        title: 'Trail runners',
        isPublic: true,
      });
      await createGroup(store(), carol, [], { title: 'Secret hikers', isPublic: false });
      const closed = await createGroup(store(), carol, [], { title: 'Old hikers', isPublic: true });
      await changeGroup(store(), {
        type: 'leave',
        conversationId: closed.conversation.id,
        actorId: carol.id,
      });

      const found = await store().listPublicGroups({ userId: bob.id, query: 'hik', limit: 10 });
      expect(found.items.map((g) => [g.conversation.title, g.isMember])).toEqual([
        ['Weekend Hikers', true],
      ]);
      const all = await store().listPublicGroups({ userId: carol.id, query: '', limit: 1 });
      expect(all.items.map((g) => g.conversation.id)).toEqual([hikers.conversation.id]);
      const next = await store().listPublicGroups({
        userId: carol.id,
        query: '',
        limit: 1,
        cursor: all.nextCursor,
      });
      expect(next.items.map((g) => [g.conversation.id, g.isMember])).toEqual([
        [runners.conversation.id, false],
      ]);
      expect(next.nextCursor).toBeNull();
      expect(
        (await store().listPublicGroups({ userId: bob.id, query: 'RUN', limit: 5 })).items,
      ).toHaveLength(1);
      expect(
        (await store().listPublicGroups({ userId: bob.id, query: '%', limit: 5 })).items,
      ).toEqual([]);
    });
  });
}
