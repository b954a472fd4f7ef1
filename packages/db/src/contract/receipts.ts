import { describe, expect, it } from 'vitest';
import type { Message } from '../types.ts';
import { createUsers, nextDate, send, type ContractContext } from './fixtures.ts';

export function receiptContract({ store }: ContractContext): void {
  describe('receipts', () => {
    // Alice has sent Bob three messages.
    async function threeMessages() {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const messages: Message[] = [];
      for (let n = 1; n <= 3; n += 1)
        messages.push((await send(store(), alice, bob, `m${n}`)).message);
      const conversationId = messages[0]?.conversationId ?? '';
      const receipt = (upToSeq: number, userId = bob.id) => ({
        conversationId,
        userId,
        upToSeq,
        at: nextDate(),
      });
      return { alice, bob, carol, messages, conversationId, receipt };
    }

    it('marks delivered and tells the other member', async () => {
      const { alice, bob, messages, conversationId, receipt } = await threeMessages();
      const input = receipt(2);

      const result = await store().markDelivered(input);

      expect(result.advanced).toBe(true);
      expect(result.state).toEqual({ userId: bob.id, deliveredSeq: 2, readSeq: 0 });
      expect(result.events).toEqual([
        {
          userId: alice.id,
          id: 4,
          createdAt: input.at,
          data: {
            type: 'message.delivered',
            conversationId,
            userId: bob.id,
            upToSeq: 2,
            upToMessageId: messages[1]?.id,
          },
        },
      ]);
      expect(await store().lastEventId(alice.id)).toBe(4);
      expect(await store().lastEventId(bob.id)).toBe(3);
    });

    it('never moves delivered back and writes nothing when it does not move', async () => {
      const { alice, bob, receipt } = await threeMessages();
      await store().markDelivered(receipt(2));

      for (const upToSeq of [2, 1, 0]) {
        expect(await store().markDelivered(receipt(upToSeq))).toEqual({
          advanced: false,
          state: { userId: bob.id, deliveredSeq: 2, readSeq: 0 },
          events: [],
        });
      }
      expect(await store().lastEventId(alice.id)).toBe(4);
    });

    it('clamps a receipt to the last message of the conversation', async () => {
      const { bob, messages, receipt } = await threeMessages();

      const delivered = await store().markDelivered(receipt(99));
      const again = await store().markDelivered(receipt(100));

      expect(delivered.state).toEqual({ userId: bob.id, deliveredSeq: 3, readSeq: 0 });
      expect(delivered.events[0]?.data).toMatchObject({
        upToSeq: 3,
        upToMessageId: messages[2]?.id,
      });
      expect(again.advanced).toBe(false);
      expect(again.events).toEqual([]);
    });

    it('marks read, raising delivered, and tells every member including the reader', async () => {
      const { alice, bob, messages, conversationId, receipt } = await threeMessages();
      const input = receipt(2);

      const result = await store().markRead(input);

      expect(result.advanced).toBe(true);
      expect(result.state).toEqual({ userId: bob.id, deliveredSeq: 2, readSeq: 2 });
      const data = {
        type: 'message.read',
        conversationId,
        userId: bob.id,
        upToSeq: 2,
        upToMessageId: messages[1]?.id,
      };
      expect(result.events.toSorted((a, b) => a.userId.localeCompare(b.userId))).toEqual(
        [
          { userId: alice.id, id: 4, createdAt: input.at, data },
          { userId: bob.id, id: 4, createdAt: input.at, data },
        ].toSorted((a, b) => a.userId.localeCompare(b.userId)),
      );
    });

    it('never moves read back; reading below delivered keeps delivered', async () => {
      const { bob, receipt } = await threeMessages();
      await store().markDelivered(receipt(3));

      const read = await store().markRead(receipt(1));
      const back = await store().markRead(receipt(0));
      const deliveredBack = await store().markDelivered(receipt(1));

      expect(read.state).toEqual({ userId: bob.id, deliveredSeq: 3, readSeq: 1 });
      expect(back).toEqual({ advanced: false, state: read.state, events: [] });
      expect(deliveredBack).toEqual({ advanced: false, state: read.state, events: [] });
    });

    it('shows the positions in the conversation list', async () => {
      const { alice, bob, receipt } = await threeMessages();
      await store().markDelivered(receipt(3));
      await store().markRead(receipt(2));

      const [summary] = (await store().listConversations({ userId: alice.id, limit: 5 })).items;

      expect(summary?.members.find((member) => member.userId === bob.id)).toEqual({
        userId: bob.id,
        deliveredSeq: 3,
        readSeq: 2,
      });
    });

    it('refuses a receipt from someone outside the conversation', async () => {
      const { alice, carol, receipt } = await threeMessages();

      await expect(store().markRead(receipt(3, carol.id))).rejects.toThrow();
      await expect(store().markDelivered(receipt(3, carol.id))).rejects.toThrow();
      expect(await store().lastEventId(alice.id)).toBe(3);
      expect(await store().lastEventId(carol.id)).toBe(0);
    });
  });
}
