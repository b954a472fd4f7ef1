import { describe, expect, it } from 'vitest';
import {
  applyEventToConversations,
  applyPresence,
  markConversationRead,
  previewOf,
  withPresence,
} from './conversations.ts';
import { conversation, message } from './testing.ts';

const ctx = { me: 'ann', readingPeerId: null };

describe('applyEventToConversations', () => {
  it('a new message from the peer bumps the badge, the preview and the order', () => {
    const older = conversation({ id: 'c0', lastMessageAt: new Date(2026, 0, 1) });
    const c1 = conversation({ id: 'c1', lastMessageAt: new Date(2025, 0, 1) });
    const m = message({ seq: 1, senderId: 'bob', conversationId: 'c1' });
    const { list, refetch } = applyEventToConversations(
      [older, c1],
      { type: 'message.new', message: m },
      ctx,
    );
    expect(refetch).toBe(false);
    expect(list.map((c) => c.id)).toEqual(['c1', 'c0']);
    expect(list[0]).toMatchObject({ unreadCount: 1, lastMessage: m });
  });

  it('does not count a message being read right now, nor a duplicate', () => {
    const c1 = conversation();
    const m = message({ seq: 1, senderId: 'bob' });
    const event = { type: 'message.new' as const, message: m };
    const reading = applyEventToConversations([c1], event, { me: 'ann', readingPeerId: 'bob' });
    expect(reading.list[0]!.unreadCount).toBe(0);
    const once = applyEventToConversations([c1], event, ctx).list;
    const twice = applyEventToConversations(once, event, ctx).list;
    expect(twice[0]!.unreadCount).toBe(1);
  });

  it('asks for a refetch when the conversation is new to it', () => {
    const m = message({ seq: 1, senderId: 'bob', conversationId: 'new' });
    expect(applyEventToConversations([], { type: 'message.new', message: m }, ctx).refetch).toBe(
      true,
    );
  });

  it('moves the peer positions forward only', () => {
    let list = [conversation({ peerDeliveredSeq: 4, peerReadSeq: 2 })];
    const receipt = { conversationId: 'c1', userId: 'bob', upToMessageId: 'x' };
    list = applyEventToConversations(
      list,
      { type: 'message.delivered', ...receipt, upToSeq: 3 },
      ctx,
    ).list;
    expect(list[0]!.peerDeliveredSeq).toBe(4);
    list = applyEventToConversations(
      list,
      { type: 'message.read', ...receipt, upToSeq: 6 },
      ctx,
    ).list;
    expect(list[0]).toMatchObject({ peerDeliveredSeq: 6, peerReadSeq: 6 });
  });

  it('my own read receipt (another device) clears the badge when it covers the last message', () => {
    const last = message({ seq: 5, senderId: 'bob' });
    const list = [conversation({ lastMessage: last, unreadCount: 3 })];
    const receipt = { conversationId: 'c1', userId: 'ann', upToMessageId: 'x' };
    const partial = applyEventToConversations(
      list,
      { type: 'message.read', ...receipt, upToSeq: 4 },
      ctx,
    );
    expect(partial.refetch).toBe(true);
    const full = applyEventToConversations(
      list,
      { type: 'message.read', ...receipt, upToSeq: 5 },
      ctx,
    );
    expect(full.list[0]).toMatchObject({ unreadCount: 0, myReadSeq: 5 });
  });

  it('tracks presence', () => {
    const seen = new Date(2026, 2, 18);
    let list = [conversation()];
    list = applyEventToConversations(
      list,
      { type: 'presence.snapshot', online: ['bob'] },
      ctx,
    ).list;
    expect(list[0]!.peer.online).toBe(true);
    list = applyEventToConversations(
      list,
      { type: 'presence', userId: 'bob', online: false, lastSeenAt: seen },
      ctx,
    ).list;
    expect(list[0]!.peer).toMatchObject({ online: false, lastSeenAt: seen });
  });

  it('marks read optimistically', () => {
    const list = [
      conversation({ lastMessage: message({ seq: 2, senderId: 'bob' }), unreadCount: 2 }),
    ];
    expect(markConversationRead(list, 'bob', 2)[0]!.unreadCount).toBe(0);
    expect(markConversationRead(list, 'bob', 1)[0]!.unreadCount).toBe(2);
  });
});

describe('presence map', () => {
  it('live events override query data; a snapshot resets who is online', () => {
    const seen = new Date(2026, 2, 18);
    let p = applyPresence({}, { type: 'presence', userId: 'bob', online: false, lastSeenAt: seen });
    const bob = conversation().peer;
    expect(withPresence({ ...bob, online: true }, p)).toMatchObject({
      online: false,
      lastSeenAt: seen,
    });
    p = applyPresence(p, { type: 'presence.snapshot', online: ['bob', 'cy'] });
    expect(p).toEqual({
      bob: { online: true, lastSeenAt: seen },
      cy: { online: true, lastSeenAt: null },
    });
    p = applyPresence(p, { type: 'presence.snapshot', online: [] });
    expect(p.bob!.online).toBe(false);
  });

  it('previews', () => {
    expect(previewOf(null, 'ann')).toBe('No messages yet');
    expect(previewOf(message({ seq: 1, senderId: 'ann', text: 'hi\nthere' }), 'ann')).toBe(
      'You: hi there',
    );
    const photo = {
      id: 'f1',
      kind: 'image' as const,
      mime: 'image/png' as const,
      width: 10,
      height: 10,
      url: '/api/files/f1/display',
      thumbUrl: '/api/files/f1/thumb',
      thumbWidth: 10,
      thumbHeight: 10,
    };
    expect(
      previewOf(message({ seq: 2, senderId: 'bob', text: '', attachments: [photo] }), 'ann'),
    ).toBe('📷 Photo');
    expect(
      previewOf(message({ seq: 3, senderId: 'ann', text: '', attachments: [photo, photo] }), 'ann'),
    ).toBe('You: 📷 2 photos');
    expect(
      previewOf(message({ seq: 4, senderId: 'bob', text: 'look', attachments: [photo] }), 'ann'),
    ).toBe('look');
  });
});
