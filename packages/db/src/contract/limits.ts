import { describe, expect, it } from 'vitest';
import { createGroup, createUsers, nextDate, upload, type ContractContext } from './fixtures.ts';

/**
 * `limit: 0` asks for an empty page on every method that takes a limit (MongoDB reads
 * `.limit(0)` as "no limit": an adapter on it must not pass 0 through).
 */
export function limitContract({ store }: ContractContext): void {
  describe('limit 0', () => {
    // Enough of everything that "no limit" would return something from each method.
    async function somethingOfEverything() {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol], {
        title: 'Open house',
        isPublic: true,
      });
      const sent = await store().sendMessage({
        senderId: alice.id,
        conversationId: conversation.id,
        text: 'hello',
        attachmentIds: [],
        mentionUsernames: [],
        clientMessageId: 'client-1',
        createdAt: nextDate(),
      });
      await upload(store(), alice);
      return { alice, bob, conversationId: conversation.id, seq: sent.message.seq };
    }

    const emptyPage = { items: [], nextCursor: null };

    it('gives an empty page of users, of conversations, of members and of groups', async () => {
      const { alice, conversationId } = await somethingOfEverything();

      expect(await store().listUsers({ excludeId: alice.id, limit: 0 })).toEqual(emptyPage);
      expect(await store().searchUsers({ query: 'b', excludeId: alice.id, limit: 0 })).toEqual([]);
      expect(await store().listConversations({ userId: alice.id, limit: 0 })).toEqual(emptyPage);
      expect(await store().listMembers({ conversationId, limit: 0 })).toEqual(emptyPage);
      expect(await store().listPublicGroups({ userId: alice.id, query: '', limit: 0 })).toEqual(
        emptyPage,
      );
    });

    it('gives no messages, events or unused uploads', async () => {
      const { bob, conversationId, seq } = await somethingOfEverything();
      const history = (opts: { beforeSeq?: number; afterSeq?: number }) =>
        store().listMessages({ conversationId, userId: bob.id, limit: 0, ...opts });

      expect(await history({})).toEqual([]);
      expect(await history({ beforeSeq: seq + 1 })).toEqual([]);
      expect(await history({ afterSeq: 0 })).toEqual([]);
      const upToId = await store().lastEventId();
      expect(
        await store().listUserEvents({ userId: bob.id, afterId: 0, upToId, limit: 0 }),
      ).toEqual([]);
      expect(await store().listEvents({ afterId: 0, limit: 0 })).toEqual([]);
      expect(await store().listUnusedAttachments({ createdBefore: nextDate(), limit: 0 })).toEqual(
        [],
      );
    });

    it('still answers the same calls with a limit of 1', async () => {
      const { alice, bob, conversationId } = await somethingOfEverything();

      expect((await store().listUsers({ excludeId: alice.id, limit: 1 })).items).toHaveLength(1);
      expect((await store().listMembers({ conversationId, limit: 1 })).items).toHaveLength(1);
      expect(await store().listMessages({ conversationId, userId: bob.id, limit: 1 })).toHaveLength(
        1,
      );
      expect(await store().listEvents({ afterId: 0, limit: 1 })).toHaveLength(1);
      expect(
        await store().listUnusedAttachments({ createdBefore: nextDate(), limit: 1 }),
      ).toHaveLength(1);
    });
  });
}
