import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createGroup,
  createUsers,
  everything,
  nextDate,
  post,
  refused,
  send,
  upload,
  type ContractContext,
} from './fixtures.ts';

export function messageContract({ store }: ContractContext): void {
  describe('messages', () => {
    const texts = (messages: { text: string }[]) => messages.map((message) => message.text);

    it('creates the direct conversation with the first message', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const [att1, att2] = [await upload(store(), alice), await upload(store(), alice)];
      const createdAt = nextDate();

      const result = await store().sendMessage({
        senderId: alice.id,
        recipientId: bob.id,
        text: 'hi bob',
        attachmentIds: [att1.id, att2.id],
        mentionUsernames: ['bob'],
        clientMessageId: 'client-1',
        createdAt,
      });

      expect(result.created).toBe(true);
      expect(result.message).toMatchObject({
        seq: 1,
        kind: 'text',
        senderId: alice.id,
        text: 'hi bob',
        attachmentIds: [att1.id, att2.id],
        // Mentions are for groups.
        mentions: [],
        system: null,
        clientMessageId: 'client-1',
      });
      expect(result.message.attachments.map((attachment) => attachment.id)).toEqual([
        att1.id,
        att2.id,
      ]);
      expect(result.message.createdAt).toBeInstanceOf(Date);
      expect(result.message.createdAt.getTime()).toBe(createdAt.getTime());
      const conversation = await store().getConversation(result.message.conversationId);
      expect(conversation).toMatchObject({
        id: result.message.conversationId,
        kind: 'direct',
        title: null,
        memberCount: 2,
        lastSeq: 1,
        closedAt: null,
      });
      expect(conversation?.createdAt).toBeInstanceOf(Date);
      expect(conversation?.lastMessageAt).toEqual(createdAt);
      for (const user of [alice, bob]) {
        expect(await store().getMembership(result.message.conversationId, user.id)).toMatchObject({
          userId: user.id,
          role: 'member',
          leftAt: null,
        });
      }
      expect(result.events).toHaveLength(1);
      expect(result.events[0]).toMatchObject({
        conversationId: result.message.conversationId,
        userId: null,
        data: { type: 'message.new', message: result.message },
        members: { joined: [alice.id, bob.id], left: [] },
      });
    });

    it('shares one conversation per unordered pair, with seq counting up', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      const first = await send(store(), alice, bob);
      const second = await send(store(), bob, alice);
      const third = await post(store(), alice, first.message.conversationId);

      const conversationId = first.message.conversationId;
      expect(second.message.conversationId).toBe(conversationId);
      expect(third.message.conversationId).toBe(conversationId);
      expect([first, second, third].map((result) => result.message.seq)).toEqual([1, 2, 3]);
      expect(second.events[0]?.members).toBeUndefined();
      expect((await store().findDirectConversation(alice.id, bob.id))?.id).toBe(conversationId);
      expect((await store().findDirectConversation(bob.id, alice.id))?.id).toBe(conversationId);
      expect((await store().getConversation(conversationId))?.lastMessageAt).toEqual(
        third.message.createdAt,
      );
    });

    it('keeps separate conversations, each with its own seq, per pair', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');

      const toBob = await send(store(), alice, bob);
      const toCarol = await send(store(), alice, carol);

      expect(toCarol.message.conversationId).not.toBe(toBob.message.conversationId);
      expect(toCarol.message.seq).toBe(1);
      expect(await store().findDirectConversation(bob.id, carol.id)).toBeNull();
      expect(await store().getConversation('no-such-conversation')).toBeNull();
    });

    it('refuses a send to a conversation the sender is not in, writing nothing', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { message } = await send(store(), alice, bob);
      const before = await store().lastEventId();

      expect(await refused(post(store(), carol, message.conversationId))).toBe('not_found');
      expect(await refused(post(store(), carol, 'no-such-conversation'))).toBe('not_found');
      expect(await store().lastEventId()).toBe(before);
      expect((await store().getConversation(message.conversationId))?.lastSeq).toBe(1);
    });

    it('refuses a first message to a user who does not exist, writing nothing', async () => {
      const [alice] = await createUsers(store(), 'alice');
      const ghost = { ...alice, id: 'no-such-user' };
      const before = await store().lastEventId();

      expect(await refused(send(store(), alice, ghost))).toBe('unknown_user');

      expect(await store().findDirectConversation(alice.id, ghost.id)).toBeNull();
      expect(await store().listConversations({ userId: alice.id, limit: 5 })).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(await store().lastEventId()).toBe(before);
    });

    it('fails only the send that failed among several sent at once', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const ghost = { ...bob, id: 'no-such-user' };

      const outcomes = await Promise.allSettled([
        send(store(), alice, bob, 'one'),
        send(store(), alice, ghost, 'lost'),
        send(store(), bob, alice, 'two'),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const conversationId = (await store().findDirectConversation(alice.id, bob.id))?.id ?? '';
      const history = await store().listMessages({ conversationId, userId: alice.id, limit: 10 });
      expect(history.map((m) => m.text)).toEqual(['one', 'two']);
      expect(await store().lastEventId()).toBe((await store().firstEventId()) + 1);
    });

    it('returns the original message when a clientMessageId is retried', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const original = await send(store(), alice, bob, 'once', 'client-1');

      const retry = await send(store(), alice, bob, 'changed on retry', 'client-1');
      const viaConversation = await post(store(), alice, original.message.conversationId, 'x', {
        clientMessageId: 'client-1',
      });

      expect(retry).toEqual({ message: original.message, created: false, events: [] });
      expect(viaConversation).toEqual({ message: original.message, created: false, events: [] });
      const next = await send(store(), alice, bob);
      expect(next.message.seq).toBe(2);
      expect(
        await store().listMessages({
          conversationId: next.message.conversationId,
          userId: alice.id,
          limit: 10,
        }),
      ).toHaveLength(2);
    });

    it('stores one message when the same clientMessageId is sent concurrently', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const before = await store().lastEventId();

      const results = await Promise.all(
        [1, 2, 3, 4, 5].map(() => send(store(), alice, bob, 'hello', 'client-1')),
      );

      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.message.id)).size).toBe(1);
      const conversationId = results[0]?.message.conversationId ?? '';
      expect(
        await store().listMessages({ conversationId, userId: bob.id, limit: 10 }),
      ).toHaveLength(1);
      expect(await store().lastEventId()).toBe(before + 1);
    });

    it('scopes clientMessageId to its sender', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      const fromAlice = await send(store(), alice, bob, 'a', 'client-1');
      const fromBob = await send(store(), bob, alice, 'b', 'client-1');

      expect(fromBob.created).toBe(true);
      expect(fromBob.message.id).not.toBe(fromAlice.message.id);
      expect(fromBob.message.seq).toBe(2);
    });

    it('gets a message by id and by sender + clientMessageId', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const att9 = await upload(store(), alice);
      const { message } = await store().sendMessage({
        senderId: alice.id,
        recipientId: bob.id,
        text: 'with files',
        attachmentIds: [att9.id],
        mentionUsernames: [],
        clientMessageId: 'client-1',
        createdAt: nextDate(),
      });

      expect(await store().getMessage(message.id)).toEqual(message);
      expect(await store().getMessageByClientId(alice.id, 'client-1')).toEqual(message);
      expect(await store().getMessageByClientId(bob.id, 'client-1')).toBeNull();
      expect(await store().getMessage('no-such-message')).toBeNull();
      expect((await store().getMessage(message.id))?.createdAt).toBeInstanceOf(Date);
    });

    it('pages history both ways, ascending, stably while new messages arrive', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      for (let n = 1; n <= 5; n += 1)
        await send(store(), n % 2 ? alice : bob, n % 2 ? bob : alice, `m${n}`);
      const conversationId = (await store().findDirectConversation(alice.id, bob.id))?.id ?? '';
      const list = (opts: { beforeSeq?: number | null; afterSeq?: number | null; limit: number }) =>
        store().listMessages({ conversationId, userId: alice.id, ...opts });

      const newest = await list({ limit: 2 });
      await send(store(), alice, bob, 'm6');
      await send(store(), bob, alice, 'm7');

      expect(texts(newest)).toEqual(['m4', 'm5']);
      expect(texts(await list({ beforeSeq: 4, limit: 2 }))).toEqual(['m2', 'm3']);
      expect(texts(await list({ beforeSeq: 2, limit: 2 }))).toEqual(['m1']);
      expect(await list({ beforeSeq: 1, limit: 2 })).toEqual([]);
      expect(texts(await list({ beforeSeq: null, limit: 3 }))).toEqual(['m5', 'm6', 'm7']);
      expect(texts(await list({ afterSeq: 5, limit: 10 }))).toEqual(['m6', 'm7']);
      expect(texts(await list({ afterSeq: 0, limit: 2 }))).toEqual(['m1', 'm2']);
      expect(await list({ afterSeq: 7, limit: 2 })).toEqual([]);
      expect(newest[0]?.createdAt).toBeInstanceOf(Date);
      expect(
        await store().listMessages({ conversationId: 'nothing', userId: alice.id, limit: 5 }),
      ).toEqual([]);
    });

    it('shows a member only what lies within their membership', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      await post(store(), alice, id, 'before carol');
      await store().changeGroup({
        change: {
          type: 'add',
          conversationId: id,
          actorId: alice.id,
          userIds: [carol.id],
          policy: { owner: [] },
        },
        maxMembers: 10,
        at: nextDate(),
      });
      await post(store(), bob, id, 'with carol');
      await store().changeGroup({
        change: {
          type: 'remove',
          conversationId: id,
          actorId: alice.id,
          userId: carol.id,
          policy: { owner: ['member'] },
        },
        maxMembers: 10,
        at: nextDate(),
      });
      await post(store(), alice, id, 'after carol');

      const seen = (user: typeof alice) =>
        store().listMessages({ conversationId: id, userId: user.id, limit: 50 });
      // seq: 1 created, 2 before carol, 3 added, 4 with carol, 5 removed, 6 after carol
      expect((await seen(carol)).map((m) => m.seq)).toEqual([3, 4, 5]);
      expect((await seen(bob)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(
        (
          await store().listMessages({
            conversationId: id,
            userId: carol.id,
            beforeSeq: 4,
            limit: 5,
          })
        ).map((m) => m.seq),
      ).toEqual([3]);
      expect(
        (
          await store().listMessages({
            conversationId: id,
            userId: carol.id,
            afterSeq: 4,
            limit: 5,
          })
        ).map((m) => m.seq),
      ).toEqual([5]);
      expect(await store().canSeeMessage(carol.id, id, 2)).toBe(false);
      expect(await store().canSeeMessage(carol.id, id, 4)).toBe(true);
      expect(await store().canSeeMessage(carol.id, id, 6)).toBe(false);
      expect(await store().canSeeMessage(alice.id, id, 6)).toBe(true);
      expect(await refused(post(store(), carol, id))).toBe('not_member');
    });

    it('records mentions of current members only, never the sender', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);

      const { message } = await post(store(), alice, conversation.id, '@bob @dave @alice @carol', {
        mentionUsernames: ['bob', 'dave', 'alice', 'carol', 'nobody'],
      });

      expect(message.mentions.toSorted()).toEqual([bob.id, carol.id].toSorted());
      expect(dave.id).toBeDefined();
      expect((await store().getMessage(message.id))?.mentions.toSorted()).toEqual(
        [bob.id, carol.id].toSorted(),
      );
    });

    it('keeps messages in order for many concurrent senders', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          send(store(), n % 2 ? alice : bob, n % 2 ? bob : alice, `m${n}`, randomUUID()),
        ),
      );

      const seqs = results.map((result) => result.message.seq).toSorted((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
      const stream = await everything(store(), bob);
      expect(stream.map((e) => e.data.type === 'message.new' && e.data.message.seq)).toEqual(
        Array.from({ length: 20 }, (_, n) => n + 1),
      );
    });
  });
}
