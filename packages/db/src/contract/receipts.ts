import { describe, expect, it } from 'vitest';
import type { Message, ReceiptMark, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  MANAGERS,
  nextDate,
  post,
  refused,
  send,
  type ContractContext,
} from './fixtures.ts';

/** How far everyone but `me` has got (the client's reading of a mark). */
function othersReached(mark: ReceiptMark, me: string): number {
  return mark.lowestUserId === me ? (mark.nextLowest ?? Number.MAX_SAFE_INTEGER) : mark.lowest;
}

export function receiptContract({ store }: ContractContext): void {
  describe('receipts', () => {
    // Alice has sent Bob three messages.
    async function threeMessages() {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const messages: Message[] = [];
      for (let n = 1; n <= 3; n += 1)
        messages.push((await send(store(), alice, bob, `m${n}`)).message);
      const conversationId = messages[0]?.conversationId ?? '';
      const receipt = (upToSeq: number, user: User = bob) => ({
        conversationId,
        userId: user.id,
        upToSeq,
        at: nextDate(),
      });
      return { alice, bob, carol, messages, conversationId, receipt };
    }

    it('marks delivered and announces the conversation’s new marks', async () => {
      const { alice, bob, conversationId, receipt } = await threeMessages();
      const input = receipt(2);

      const result = await store().markDelivered(input);

      expect(result.advanced).toBe(true);
      expect(result.membership).toMatchObject({ userId: bob.id, deliveredSeq: 2, readSeq: 0 });
      expect(result.events).toHaveLength(1);
      const [event] = result.events;
      expect(event).toMatchObject({ conversationId, userId: null, createdAt: input.at });
      expect(event?.data.type).toBe('receipts');
      if (event?.data.type !== 'receipts') return;
      expect(event.data.conversationId).toBe(conversationId);
      expect(othersReached(event.data.marks.delivered, alice.id)).toBe(2);
      expect(othersReached(event.data.marks.delivered, bob.id)).toBe(3);
      expect(othersReached(event.data.marks.read, alice.id)).toBe(0);
    });

    it('never moves delivered back and writes nothing when it does not move', async () => {
      const { bob, receipt } = await threeMessages();
      await store().markDelivered(receipt(3));
      const before = await store().lastEventId();

      const again = await store().markDelivered(receipt(2));

      expect(again).toEqual({
        advanced: false,
        membership: expect.objectContaining({ deliveredSeq: 3 }),
        events: [],
      });
      expect(again.membership.userId).toBe(bob.id);
      expect(await store().lastEventId()).toBe(before);
    });

    it('marks read (and delivered), announces it, and tells the reader’s other devices', async () => {
      const { alice, bob, conversationId, receipt } = await threeMessages();

      const result = await store().markRead(receipt(2));

      expect(result.membership).toMatchObject({ deliveredSeq: 2, readSeq: 2 });
      const [marks, own] = result.events;
      expect(
        marks?.data.type === 'receipts' && othersReached(marks.data.marks.read, alice.id),
      ).toBe(2);
      expect(own).toMatchObject({
        userId: bob.id,
        conversationId: null,
        data: {
          type: 'conversation.read',
          conversationId,
          readSeq: 2,
          unreadCount: 1,
          mentionCount: 0,
        },
      });
      expect(own!.id).toBe(marks!.id + 1);
    });

    it('clamps a position beyond the last message', async () => {
      const { receipt } = await threeMessages();
      const result = await store().markRead(receipt(99));
      expect(result.membership).toMatchObject({ deliveredSeq: 3, readSeq: 3 });
    });

    it('refuses receipts of non-members and former members', async () => {
      const { carol, receipt } = await threeMessages();
      expect(await refused(store().markRead(receipt(1, carol)))).toBe('not_found');
      const [dave] = await createUsers(store(), 'dave');
      const { conversation } = await createGroup(store(), carol, [dave]);
      await changeGroup(store(), {
        type: 'leave',
        conversationId: conversation.id,
        actorId: dave.id,
      });
      expect(
        await refused(
          store().markDelivered({
            conversationId: conversation.id,
            userId: dave.id,
            upToSeq: 1,
            at: nextDate(),
          }),
        ),
      ).toBe('not_member');
    });

    it('announces group marks only when how far everyone got changes', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const id = conversation.id;
      const { message } = await post(store(), alice, id, 'hello all');
      const deliver = (user: User) =>
        store().markDelivered({
          conversationId: id,
          userId: user.id,
          upToSeq: message.seq,
          at: nextDate(),
        });

      const afterBob = await deliver(bob);
      const bobMarks = afterBob.events.find((e) => e.data.type === 'receipts');
      // Carol is still behind: Alice's message is not yet delivered to everyone.
      expect(
        bobMarks?.data.type === 'receipts' &&
          othersReached(bobMarks.data.marks.delivered, alice.id),
      ).toBe(0);
      const afterCarol = await deliver(carol);
      const carolMarks = afterCarol.events.find((e) => e.data.type === 'receipts');
      expect(
        carolMarks?.data.type === 'receipts' &&
          othersReached(carolMarks.data.marks.delivered, alice.id),
      ).toBe(2);
      const summary = await store().getConversationSummary(alice.id, id);
      expect(othersReached(summary!.receipts.delivered, alice.id)).toBe(2);
    });

    it('announces the marks everyone reached when members deliver at the same time', async () => {
      const users = await createUsers(store(), 'alice', 'm1', 'm2', 'm3', 'm4', 'm5');
      const [alice, ...members] = users;
      const { conversation } = await createGroup(store(), alice, members);
      const id = conversation.id;
      const { message } = await post(store(), alice, id, 'hello all');

      const results = await Promise.all(
        members.map((member) =>
          store().markDelivered({
            conversationId: id,
            userId: member.id,
            upToSeq: message.seq,
            at: nextDate(),
          }),
        ),
      );

      const announced = results
        .flatMap((result) => result.events)
        .filter((event) => event.data.type === 'receipts')
        .sort((a, b) => a.id - b.id);
      const last = announced.at(-1);
      expect(
        last?.data.type === 'receipts' && othersReached(last.data.marks.delivered, alice.id),
      ).toBe(message.seq);
      const summary = await store().getConversationSummary(alice.id, id);
      expect(othersReached(summary!.receipts.delivered, alice.id)).toBe(message.seq);
      const log = await store().listEvents({ afterId: 0, limit: 100 });
      expect(log.filter((event) => event.data.type === 'receipts')).toEqual(announced);
    });

    it('counts everyone who left as having it, and whoever joins as having all before', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      const { message } = await post(store(), alice, id, 'before carol');
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: alice.id,
        userIds: [carol.id],
        policy: MANAGERS,
      });
      const marks = async () => (await store().getConversationSummary(alice.id, id))!.receipts;

      expect(othersReached((await marks()).read, alice.id)).toBe(0);
      const removed = await changeGroup(store(), {
        type: 'remove',
        conversationId: id,
        actorId: alice.id,
        userId: bob.id,
        policy: MANAGERS,
      });
      // Only Carol is left besides Alice, and she joined after the message: it counts as read.
      expect(othersReached((await marks()).read, alice.id)).toBeGreaterThanOrEqual(message.seq);
      expect(removed.events.some((e) => e.data.type === 'receipts')).toBe(true);
    });

    it('tells the sender when each member had and read a message', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const id = conversation.id;
      const { message } = await post(store(), alice, id, 'did you get it?');
      await post(store(), alice, id, 'and this?');
      const deliveredAt = nextDate();
      await store().markDelivered({
        conversationId: id,
        userId: bob.id,
        upToSeq: 3,
        at: deliveredAt,
      });
      const readAt = nextDate();
      await store().markRead({ conversationId: id, userId: bob.id, upToSeq: 2, at: readAt });
      const carolReadAt = nextDate();
      await store().markRead({ conversationId: id, userId: carol.id, upToSeq: 3, at: carolReadAt });
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: alice.id,
        userIds: [dave.id],
        policy: MANAGERS,
      });

      const receipts = await store().listMessageReceipts({
        conversationId: id,
        seq: message.seq,
        senderId: alice.id,
      });

      expect(receipts).toEqual(
        [
          { userId: bob.id, deliveredAt, readAt },
          { userId: carol.id, deliveredAt: carolReadAt, readAt: carolReadAt },
        ].toSorted((a, b) => a.userId.localeCompare(b.userId)),
      );
    });
  });
}
