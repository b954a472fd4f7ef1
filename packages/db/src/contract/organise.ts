import { describe, expect, it } from 'vitest';
import { NO_SETTINGS } from '../settings.ts';
import { PinLimitError } from '../store.ts';
import type { ConversationSettings, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  everything,
  MANAGERS,
  nextDate,
  refused,
  send,
  type ContractContext,
} from './fixtures.ts';

export function organiseContract({ store }: ContractContext): void {
  describe('organising conversations', () => {
    const update = (
      user: User,
      conversationId: string,
      patch: Partial<ConversationSettings>,
      maxPinned = 10,
    ) =>
      store().updateConversationSettings({
        userId: user.id,
        conversationId,
        patch,
        maxPinned,
        at: nextDate(),
      });
    const order = async (user: User, limit = 50) =>
      (await store().listConversations({ userId: user.id, limit })).items.map(
        (s) => s.lastMessage?.text,
      );

    it('keeps each user’s settings of a conversation, tells only their own stream, and lists them', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), alice, bob, 'hi');
      const conversationId = message.conversationId;
      expect((await store().getConversationSummary(alice.id, conversationId))?.settings).toEqual(
        NO_SETTINGS,
      );

      const mutedUntil = new Date(nextDate().getTime() + 8 * 3600_000);
      const archivedAt = nextDate();
      const result = await update(alice, conversationId, {
        mutedUntil,
        archivedAt,
        markedUnread: true,
      });

      const settings = { mutedUntil, pinnedAt: null, archivedAt, markedUnread: true };
      expect(result).toMatchObject({ settings, changed: true });
      expect(result.events).toHaveLength(1);
      expect(result.events[0]).toMatchObject({
        userId: alice.id,
        conversationId: null,
        data: { type: 'conversation.settings', conversationId, ...settings },
      });
      expect((await store().getConversationSummary(alice.id, conversationId))?.settings).toEqual(
        settings,
      );
      const [listed] = (await store().listConversations({ userId: alice.id, limit: 5 })).items;
      expect(listed?.settings).toEqual(settings);
      expect((await store().getConversationSummary(bob.id, conversationId))?.settings).toEqual(
        NO_SETTINGS,
      );
      expect((await everything(store(), alice)).at(-1)).toEqual(result.events[0]);
      expect((await everything(store(), bob)).map((e) => e.data.type)).not.toContain(
        'conversation.settings',
      );

      // The same again changes nothing and tells nobody; a field left out keeps its value.
      const again = await update(alice, conversationId, { markedUnread: true });
      expect(again).toEqual({ settings, changed: false, events: [] });
      const cleared = await update(alice, conversationId, {
        mutedUntil: null,
        markedUnread: false,
      });
      expect(cleared.settings).toEqual({ ...settings, mutedUntil: null, markedUnread: false });
    });

    it('clears "marked unread" when I read, even with nothing new, telling my other devices', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), bob, alice, 'read me');
      const conversationId = message.conversationId;
      const read = { conversationId, userId: alice.id, upToSeq: message.seq };
      await store().markRead({ ...read, at: nextDate() });
      await update(alice, conversationId, { markedUnread: true });

      const delivered = await store().markDelivered({ ...read, at: nextDate() });
      expect(delivered.events).toEqual([]);
      const again = await store().markRead({ ...read, at: nextDate() });
      expect(again.advanced).toBe(false);
      expect(again.events.map((e) => [e.userId, e.data])).toEqual([
        [alice.id, { type: 'conversation.settings', conversationId, ...NO_SETTINGS }],
      ]);
      expect((await store().getConversationSummary(alice.id, conversationId))?.settings).toEqual(
        NO_SETTINGS,
      );
      expect((await store().markRead({ ...read, at: nextDate() })).events).toEqual([]);
    });

    it('lists pinned conversations first, most recently pinned first, then by activity, across pages', async () => {
      const [alice, bob, carol, dave, erin] = await createUsers(
        store(),
        'alice',
        'bob',
        'carol',
        'dave',
        'erin',
      );
      const ids: Record<string, string> = {};
      for (const peer of [bob, carol, dave, erin])
        ids[peer.username] = (
          await send(store(), peer, alice, peer.username)
        ).message.conversationId;
      expect(await order(alice)).toEqual(['erin', 'dave', 'carol', 'bob']);

      await update(alice, ids.bob!, { pinnedAt: nextDate() });
      await update(alice, ids.carol!, { pinnedAt: nextDate() });
      expect(await order(alice)).toEqual(['carol', 'bob', 'erin', 'dave']);

      const pages: (string | undefined)[] = [];
      let cursor: string | null = null;
      do {
        const page = await store().listConversations({ userId: alice.id, limit: 1, cursor });
        pages.push(...page.items.map((s) => s.lastMessage?.text));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual(['carol', 'bob', 'erin', 'dave']);

      await update(alice, ids.carol!, { pinnedAt: null });
      expect(await order(alice)).toEqual(['bob', 'erin', 'dave', 'carol']);
      expect(await order(bob)).toEqual(['bob']);
    });

    it('refuses to pin more than the limit, and settings of a conversation I was never in', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      const first = (await send(store(), alice, bob)).message.conversationId;
      const second = (await send(store(), alice, carol)).message.conversationId;
      const theirs = (await send(store(), bob, carol)).message.conversationId;
      await update(alice, first, { pinnedAt: nextDate() }, 1);

      const error = await update(alice, second, { pinnedAt: nextDate() }, 1).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(PinLimitError);
      expect(
        (await store().getConversationSummary(alice.id, second))?.settings.pinnedAt,
      ).toBeNull();
      // Changing a pinned conversation's other settings is not pinning another.
      expect((await update(alice, first, { archivedAt: nextDate() }, 1)).changed).toBe(true);
      expect(await refused(update(dave, theirs, { markedUnread: true }))).toBe('not_found');
    });

    it('lets a former member keep the conversation as they like', async () => {
      const [owner, member] = await createUsers(store(), 'owner', 'member');
      const group = await createGroup(store(), owner, [member]);
      await changeGroup(store(), {
        type: 'remove',
        conversationId: group.conversation.id,
        actorId: owner.id,
        userId: member.id,
        policy: MANAGERS,
      });

      const archived = await update(member, group.conversation.id, { archivedAt: nextDate() });
      expect(archived.changed).toBe(true);
      expect(
        (await store().getConversationSummary(member.id, group.conversation.id))?.settings
          .archivedAt,
      ).toEqual(archived.settings.archivedAt);
    });
  });
}
