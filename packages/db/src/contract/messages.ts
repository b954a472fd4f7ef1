import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUsers, nextDate, send, upload, type ContractContext } from './fixtures.ts';

export function messageContract({ store }: ContractContext): void {
  describe('messages', () => {
    it('creates the direct conversation with the first message', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const [att1, att2] = [await upload(store(), alice), await upload(store(), alice)];
      const createdAt = nextDate();

      const result = await store().sendMessage({
        senderId: alice.id,
        recipientIds: [bob.id],
        text: 'hi bob',
        attachmentIds: [att1.id, att2.id],
        clientMessageId: 'client-1',
        createdAt,
      });

      expect(result.created).toBe(true);
      expect(result.message).toMatchObject({
        seq: 1,
        senderId: alice.id,
        text: 'hi bob',
        attachmentIds: [att1.id, att2.id],
        clientMessageId: 'client-1',
      });
      expect(result.message.attachments.map((attachment) => attachment.id)).toEqual([
        att1.id,
        att2.id,
      ]);
      expect(result.message.createdAt).toBeInstanceOf(Date);
      expect(result.message.createdAt.getTime()).toBe(createdAt.getTime());
      const conversation = await store().getConversation(result.message.conversationId);
      expect(conversation).toMatchObject({ id: result.message.conversationId, kind: 'direct' });
      expect(conversation?.memberIds.toSorted()).toEqual([alice.id, bob.id].toSorted());
      expect(conversation?.createdAt).toBeInstanceOf(Date);
      expect(conversation?.lastMessageAt).toEqual(createdAt);
    });

    it('shares one conversation per unordered pair, with seq counting up', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      const first = await send(store(), alice, bob);
      const second = await send(store(), bob, alice);
      const third = await send(store(), alice, bob);

      const conversationId = first.message.conversationId;
      expect(second.message.conversationId).toBe(conversationId);
      expect(third.message.conversationId).toBe(conversationId);
      expect([first, second, third].map((result) => result.message.seq)).toEqual([1, 2, 3]);
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

    it('returns the original message when a clientMessageId is retried', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const original = await send(store(), alice, bob, 'once', 'client-1');

      const retry = await send(store(), alice, bob, 'changed on retry', 'client-1');

      expect(retry).toEqual({ message: original.message, created: false, events: [] });
      const next = await send(store(), alice, bob);
      expect(next.message.seq).toBe(2);
      expect(
        await store().listMessages({ conversationId: next.message.conversationId, limit: 10 }),
      ).toHaveLength(2);
    });

    it('stores one message when the same clientMessageId is sent concurrently', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      const results = await Promise.all(
        [1, 2, 3, 4, 5].map(() => send(store(), alice, bob, 'hello', 'client-1')),
      );

      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.message.id)).size).toBe(1);
      const conversationId = results[0]?.message.conversationId ?? '';
      expect(await store().listMessages({ conversationId, limit: 10 })).toHaveLength(1);
      expect(await store().lastEventId(alice.id)).toBe(1);
      expect(await store().lastEventId(bob.id)).toBe(1);
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
        recipientIds: [bob.id],
        text: 'with files',
        attachmentIds: [att9.id],
        clientMessageId: 'client-1',
        createdAt: nextDate(),
      });

      expect(await store().getMessage(message.id)).toEqual(message);
      expect(await store().getMessageByClientId(alice.id, 'client-1')).toEqual(message);
      expect(await store().getMessageByClientId(bob.id, 'client-1')).toBeNull();
      expect(await store().getMessage('no-such-message')).toBeNull();
      expect((await store().getMessage(message.id))?.createdAt).toBeInstanceOf(Date);
    });

    it('lists messages newest first, paging stably by beforeSeq while new ones arrive', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      for (let n = 1; n <= 5; n += 1)
        await send(store(), n % 2 ? alice : bob, n % 2 ? bob : alice, `m${n}`);
      const conversationId = (await store().findDirectConversation(alice.id, bob.id))?.id ?? '';
      const texts = (messages: { text: string }[]) => messages.map((message) => message.text);

      const first = await store().listMessages({ conversationId, limit: 2 });
      await send(store(), alice, bob, 'm6');
      await send(store(), bob, alice, 'm7');
      const second = await store().listMessages({ conversationId, beforeSeq: 4, limit: 2 });
      const third = await store().listMessages({ conversationId, beforeSeq: 2, limit: 2 });
      const past = await store().listMessages({ conversationId, beforeSeq: 1, limit: 2 });

      expect(texts(first)).toEqual(['m5', 'm4']);
      expect(texts(second)).toEqual(['m3', 'm2']);
      expect(texts(third)).toEqual(['m1']);
      expect(past).toEqual([]);
      expect(
        texts(await store().listMessages({ conversationId, beforeSeq: null, limit: 3 })),
      ).toEqual(['m7', 'm6', 'm5']);
      expect(first[0]?.createdAt).toBeInstanceOf(Date);
      expect(
        await store().listMessages({ conversationId: 'no-such-conversation', limit: 5 }),
      ).toEqual([]);
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
    });
  });
}
