import { describe, expect, it } from 'vitest';
import type { ConversationsPage, Message, SystemEvent } from '../lib/protocol.ts';
import { conversation, group, message, pages, user } from '../lib/testing.ts';
import { allMessages } from '../messages/history.ts';
import {
  applyEvent,
  markConversationRead,
  sortConversations,
  type Caches,
} from './cache-events.ts';

const names: Record<string, string> = { bob: 'Bob', cy: 'Cy' };
const NOW = new Date('2026-01-01T12:00:00Z');
const ctx = { me: 'ann', nameOf: (id: string) => names[id] ?? null, now: () => NOW };
const list = (...items: ConversationsPage['items']): ConversationsPage => ({
  items,
  nextCursor: null,
});
const caches = (page: ConversationsPage | undefined, history = {}): Caches => ({
  conversations: page,
  history: (id) => (history as Record<string, ReturnType<Caches['history']>>)[id],
});
const system = (seq: number, s: SystemEvent, conversationId = 'g1'): Message =>
  message({ seq, senderId: s.actorId, kind: 'system', text: '', system: s, conversationId });

describe('applyEvent: messages', () => {
  it('a message from someone else bumps the badge, the preview, the sender and the order', () => {
    const older = conversation({ id: 'c0', lastMessageAt: new Date(2026, 0, 1) });
    const c1 = group({ id: 'c1', lastMessageAt: new Date(2025, 0, 1) });
    const m = message({ seq: 1, senderId: 'bob', conversationId: 'c1', mentions: ['ann'] });
    const out = applyEvent(caches(list(older, c1)), { type: 'message.new', message: m }, ctx);
    expect(out.refetchConversations).toBe(false);
    expect(out.conversations!.items.map((c) => c.id)).toEqual(['c1', 'c0']);
    expect(out.conversations!.items[0]).toMatchObject({
      unreadCount: 1,
      mentionCount: 1,
      lastMessage: m,
      lastSender: { id: 'bob', displayName: 'Bob' },
    });
  });

  it('counts neither my own messages, nor system lines, nor a duplicate', () => {
    const page = list(group({ id: 'g1' }));
    const mine = message({ seq: 1, senderId: 'ann', conversationId: 'g1' });
    const once = applyEvent(caches(page), { type: 'message.new', message: mine }, ctx);
    expect(once.conversations!.items[0]!.unreadCount).toBe(0);
    const line = system(2, { action: 'joined', actorId: 'cy' });
    const joined = applyEvent(
      caches(once.conversations),
      { type: 'message.new', message: line },
      ctx,
    );
    expect(joined.conversations!.items[0]).toMatchObject({ unreadCount: 0, memberCount: 4 });
    expect(joined.membersChanged).toBe('g1');
    const again = applyEvent(
      caches(joined.conversations),
      { type: 'message.new', message: line },
      ctx,
    );
    expect(again.conversations).toBeUndefined();
  });

  it('adds the message to a cached history that holds the newest page', () => {
    const history = pages({ items: [message({ seq: 1, senderId: 'bob' })] });
    const m = message({ seq: 2, senderId: 'bob' });
    const out = applyEvent(
      caches(list(conversation()), { c1: history }),
      { type: 'message.new', message: m },
      ctx,
    );
    expect(out.history?.conversationId).toBe('c1');
    expect(allMessages(out.history?.data).map((x) => x.seq)).toEqual([1, 2]);
  });

  it('asks for the list again when the conversation is new to it', () => {
    const m = message({ seq: 1, senderId: 'bob', conversationId: 'new' });
    expect(
      applyEvent(caches(list()), { type: 'message.new', message: m }, ctx).refetchConversations,
    ).toBe(true);
    expect(
      applyEvent(caches(undefined), { type: 'message.new', message: m }, ctx).refetchConversations,
    ).toBe(false);
  });
});

describe('applyEvent: group changes', () => {
  const apply = (s: SystemEvent, over = {}) =>
    applyEvent(
      caches(list(group({ myRole: 'admin', ...over }))),
      { type: 'message.new', message: system(5, s) },
      ctx,
    ).conversations!.items[0]!;

  it('follows my role: removed, left, handed the group, promoted', () => {
    expect(apply({ action: 'removed', actorId: 'bob', userId: 'ann' })).toMatchObject({
      myRole: null,
      memberCount: 2,
    });
    expect(apply({ action: 'left', actorId: 'ann', newOwnerId: 'bob' }).myRole).toBeNull();
    expect(apply({ action: 'left', actorId: 'bob', newOwnerId: 'ann' }).myRole).toBe('owner');
    expect(apply({ action: 'role', actorId: 'bob', userId: 'ann', role: 'member' }).myRole).toBe(
      'member',
    );
    expect(
      apply({ action: 'role', actorId: 'ann', userId: 'cy', role: 'owner' }, { myRole: 'owner' })
        .myRole,
    ).toBe('admin');
  });

  it('renames, changes the picture and the visibility', () => {
    expect(
      apply({ action: 'updated', actorId: 'bob', title: 'Boulderers', isPublic: true }),
    ).toMatchObject({ title: 'Boulderers', isPublic: true, avatarId: null });
    expect(apply({ action: 'updated', actorId: 'bob', avatarId: 'f1' }).avatarId).toBe('f1');
  });

  it('closes a group whose last member left', () => {
    expect(
      apply({ action: 'left', actorId: 'bob', newOwnerId: null }, { memberCount: 1 }).closed,
    ).toBe(true);
  });
});

describe('applyEvent: receipts and reads', () => {
  it('takes the members’ marks as they are', () => {
    const marks = {
      delivered: { lowest: 3, lowestUserId: null, nextLowest: 3 },
      read: { lowest: 1, lowestUserId: 'cy', nextLowest: 3 },
    };
    const out = applyEvent(
      caches(list(group())),
      { type: 'receipts', conversationId: 'g1', marks },
      ctx,
    );
    expect(out.conversations!.items[0]!.receipts).toEqual(marks);
  });

  it('my reading (here or on another device) sets the badge to the server’s count, never back', () => {
    const page = list(conversation({ unreadCount: 5, mentionCount: 1, myReadSeq: 2 }));
    const read = { type: 'conversation.read' as const, conversationId: 'c1' };
    const out = applyEvent(
      caches(page),
      { ...read, readSeq: 6, unreadCount: 1, mentionCount: 0 },
      ctx,
    );
    expect(out.conversations!.items[0]).toMatchObject({
      myReadSeq: 6,
      unreadCount: 1,
      mentionCount: 0,
    });
    const stale = applyEvent(
      caches(out.conversations),
      { ...read, readSeq: 4, unreadCount: 3, mentionCount: 0 },
      ctx,
    );
    expect(stale.conversations!.items[0]!.unreadCount).toBe(1);
  });

  it('marks read optimistically when it covers the newest message', () => {
    const page = list(
      conversation({ lastMessage: message({ seq: 2, senderId: 'bob' }), unreadCount: 2 }),
    );
    expect(markConversationRead(page, 'c1', 2).items[0]!.unreadCount).toBe(0);
    expect(markConversationRead(page, 'c1', 1).items[0]!.unreadCount).toBe(2);
  });
});

describe('applyEvent: profiles', () => {
  it('a changed profile reaches the peer and the preview’s sender name', () => {
    const page = list(
      conversation(),
      group({ lastSender: { id: 'bob', displayName: 'Bob' } }),
      group({ id: 'g2' }),
    );
    const out = applyEvent(
      caches(page),
      { type: 'user.updated', user: user({ id: 'bob', displayName: 'Robert', bio: 'Hi' }) },
      ctx,
    );
    expect(out.conversations!.items[0]!.peer).toMatchObject({ displayName: 'Robert', bio: 'Hi' });
    expect(out.conversations!.items[1]!.lastSender?.displayName).toBe('Robert');
    expect(out.conversations!.items[2]).toBe(page.items[2]);
  });
});

describe('applyEvent: conversation.settings', () => {
  const settings = { mutedUntil: null, pinnedAt: null, archivedAt: null, markedUnread: false };

  it('applies mute, pin, archive and unread from another device, pinned first', () => {
    const page = list(
      conversation({ id: 'c1', lastMessageAt: new Date(2026, 0, 2) }),
      conversation({ id: 'c2', lastMessageAt: new Date(2026, 0, 1) }),
    );
    const out = applyEvent(
      caches(page),
      {
        type: 'conversation.settings',
        conversationId: 'c2',
        ...settings,
        mutedUntil: new Date('9999-12-31T23:59:59.999Z'),
        pinnedAt: NOW,
        markedUnread: true,
      },
      ctx,
    );
    expect(out.conversations!.items.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(out.conversations!.items[0]).toMatchObject({ muted: true, markedUnread: true });
  });

  it('fetches the list again for a conversation it does not hold', () => {
    const event = { type: 'conversation.settings' as const, conversationId: 'x', ...settings };
    expect(applyEvent(caches(list()), event, ctx).refetchConversations).toBe(true);
  });

  it('a new message brings an archived conversation back, but not a muted one', () => {
    const archivedAt = new Date(2026, 0, 1);
    const m = message({ seq: 1, senderId: 'bob', createdAt: new Date(2026, 0, 2) });
    const archived = conversation({ archivedAt, archived: true });
    const back = applyEvent(caches(list(archived)), { type: 'message.new', message: m }, ctx);
    expect(back.conversations!.items[0]!.archived).toBe(false);
    const muted = { ...archived, mutedUntil: new Date(NOW.getTime() + 3600_000), muted: true };
    const stays = applyEvent(caches(list(muted)), { type: 'message.new', message: m }, ctx);
    expect(stays.conversations!.items[0]!.archived).toBe(true);
  });
});

describe('sortConversations', () => {
  it('puts the newest activity first and empty conversations last', () => {
    const a = conversation({ id: 'a', lastMessageAt: null });
    const b = conversation({ id: 'b', lastMessageAt: new Date(2026, 1, 1) });
    const c = conversation({ id: 'c', lastMessageAt: new Date(2026, 2, 1) });
    expect(sortConversations([a, b, c]).map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });
});
