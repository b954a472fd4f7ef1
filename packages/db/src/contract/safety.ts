import { describe, expect, it } from 'vitest';
import {
  createGroup,
  createUsers,
  everything,
  nextDate,
  post,
  send,
  type ContractContext,
} from './fixtures.ts';

export function safetyContract({ store }: ContractContext): void {
  describe('safety and privacy', () => {
    it('blocks and unblocks, telling the blocker’s other devices, and lists whom I blocked', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const blocked = await store().setBlocked({
        blockerId: alice.id,
        userId: bob.id,
        blocked: true,
        at: nextDate(),
      });
      expect(blocked.changed).toBe(true);
      expect(blocked.events).toEqual([
        expect.objectContaining({
          userId: alice.id,
          data: { type: 'user.blocked', userId: bob.id, blocked: true },
        }),
      ]);
      expect(
        (
          await store().setBlocked({
            blockerId: alice.id,
            userId: bob.id,
            blocked: true,
            at: nextDate(),
          })
        ).changed,
      ).toBe(false);
      await store().setBlocked({
        blockerId: alice.id,
        userId: carol.id,
        blocked: true,
        at: nextDate(),
      });
      expect((await store().listBlocked(alice.id)).map((b) => b.userId)).toEqual([
        carol.id,
        bob.id,
      ]);
      expect(await store().blockRelations(bob.id, [alice.id, carol.id])).toEqual({
        blocked: [],
        blockedBy: [alice.id],
      });
      expect(await store().blockRelations(alice.id, [bob.id, 'nobody'])).toEqual({
        blocked: [bob.id],
        blockedBy: [],
      });
      const unblocked = await store().setBlocked({
        blockerId: alice.id,
        userId: bob.id,
        blocked: false,
        at: nextDate(),
      });
      expect(unblocked.events[0]?.data).toEqual({
        type: 'user.blocked',
        userId: bob.id,
        blocked: false,
      });
      expect((await store().listBlocked(alice.id)).map((b) => b.userId)).toEqual([carol.id]);
      expect(await store().blockRelations(alice.id, [])).toEqual({ blocked: [], blockedBy: [] });
    });

    it('withholds a message from a member: hidden for them, kept from their stream, shown to the sender', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const first = await send(store(), alice, bob, 'before');
      const withheld = await store().sendMessage({
        senderId: alice.id,
        recipientId: bob.id,
        text: 'while blocked',
        attachmentIds: [],
        mentionUsernames: [],
        clientMessageId: 'withheld-1',
        createdAt: nextDate(),
        withheldFrom: [bob.id],
      });
      expect(withheld.events[0]?.except).toEqual([bob.id]);
      const id = first.message.conversationId;
      const texts = async (userId: string) =>
        (await store().listMessages({ conversationId: id, userId, limit: 10 })).map((m) => m.text);
      expect(await texts(alice.id)).toEqual(['before', 'while blocked']);
      expect(await texts(bob.id)).toEqual(['before']);
      expect(await store().getConversationSummary(bob.id, id)).toMatchObject({
        unreadCount: 1,
        lastMessage: { text: 'before' },
      });
      const bobs = await everything(store(), bob);
      expect(bobs.map((e) => e.data.type === 'message.new' && e.data.message.text)).toEqual([
        'before',
      ]);
      expect((await everything(store(), alice)).length).toBe(2);
    });

    it('counts no mention of me in a message withheld from me', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      await post(store(), carol, conversation.id, '@bob seen', {
        mentionUsernames: [bob.username],
      });
      await post(store(), carol, conversation.id, '@bob withheld', {
        mentionUsernames: [bob.username],
        withheldFrom: [bob.id],
      });
      expect(await store().getConversationSummary(bob.id, conversation.id)).toMatchObject({
        mentionCount: 1,
        lastMessage: { text: '@bob seen' },
      });
    });

    it('shows a member a message was withheld from as never having had it, whatever they read', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const { message } = await post(store(), carol, conversation.id, 'for alice only', {
        withheldFrom: [bob.id],
      });
      for (const reader of [alice, bob])
        await store().markRead({
          conversationId: conversation.id,
          userId: reader.id,
          upToSeq: message.seq,
          at: nextDate(),
        });
      const receipts = await store().listMessageReceipts({
        conversationId: conversation.id,
        seq: message.seq,
        senderId: carol.id,
      });
      expect(receipts.find((r) => r.userId === bob.id)).toEqual({
        userId: bob.id,
        deliveredAt: null,
        readAt: null,
      });
      expect(receipts.find((r) => r.userId === alice.id)?.readAt).toBeInstanceOf(Date);
    });

    it('keeps privacy settings, tells my devices, and hides read receipts both ways in direct conversations', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      expect(await store().getSettings([alice.id, 'nobody'])).toEqual([
        { lastSeen: 'everyone', readReceipts: true, notificationPreviews: true },
        { lastSeen: 'everyone', readReceipts: true, notificationPreviews: true },
      ]);
      const { message } = await send(store(), alice, bob, 'read me');
      await store().markRead({
        conversationId: message.conversationId,
        userId: bob.id,
        upToSeq: 1,
        at: nextDate(),
      });
      const before = await store().getConversationSummary(alice.id, message.conversationId);
      expect(before?.receipts.read.lowest).toBe(1);

      const changed = await store().updateSettings(
        bob.id,
        { readReceipts: false, lastSeen: 'contacts' },
        nextDate(),
      );
      expect(changed.settings).toEqual({
        lastSeen: 'contacts',
        readReceipts: false,
        notificationPreviews: true,
      });
      const receipts = changed.events.find((e) => e.data.type === 'receipts');
      expect(receipts?.data.type === 'receipts' && receipts.data.marks.read).toEqual({
        lowest: 0,
        lowestUserId: null,
        nextLowest: 0,
      });
      expect(changed.events.at(-1)).toMatchObject({
        userId: bob.id,
        data: { type: 'settings.changed', settings: changed.settings },
      });
      // Alice turned nothing off, yet sees no reads in a conversation with Bob; nor does Bob.
      for (const user of [alice, bob]) {
        const summary = await store().getConversationSummary(user.id, message.conversationId);
        expect(summary?.receipts.read).toEqual({ lowest: 0, lowestUserId: null, nextLowest: 0 });
        expect(summary?.receipts.delivered.lowest).toBe(1);
      }
      expect(await store().getSettings([bob.id])).toEqual([changed.settings]);
    });

    it('keeps reports with their context for the admins, newest first, resolved once', async () => {
      const [alice, bob, admin] = await createUsers(store(), 'alice', 'bob', 'admin');
      const { message } = await send(store(), bob, alice, 'rude');
      const context = [
        { id: message.id, senderId: bob.id, text: 'rude', createdAt: message.createdAt },
      ];
      const first = await store().createReport({
        reporterId: alice.id,
        userId: bob.id,
        messageId: message.id,
        reason: 'abuse',
        details: 'not nice',
        context,
        createdAt: nextDate(),
      });
      expect(first).toMatchObject({ status: 'open', resolvedBy: null, context });
      const second = await store().createReport({
        reporterId: alice.id,
        userId: bob.id,
        messageId: null,
        reason: 'spam',
        details: '',
        context: [],
        createdAt: nextDate(),
      });
      const page = await store().listReports({ status: 'open', limit: 1 });
      expect(page.items.map((r) => r.id)).toEqual([second.id]);
      const next = await store().listReports({ status: 'open', limit: 1, cursor: page.nextCursor });
      expect(next.items.map((r) => r.id)).toEqual([first.id]);
      const at = nextDate();
      const resolved = await store().resolveReport({
        id: first.id,
        resolvedBy: admin.id,
        resolution: 'warned',
        at,
      });
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedBy: admin.id,
        resolution: 'warned',
        resolvedAt: at,
      });
      expect(
        await store().resolveReport({
          id: first.id,
          resolvedBy: admin.id,
          resolution: 'again',
          at,
        }),
      ).toBeNull();
      expect(
        (await store().listReports({ status: 'resolved', limit: 5 })).items.map((r) => r.id),
      ).toEqual([first.id]);
      expect(await store().listReports({ status: 'open', limit: 5, cursor: 'forged' })).toEqual({
        items: [],
        nextCursor: null,
      });
    });
  });
}
