import { describe, expect, it } from 'vitest';
import type { ConversationsPage } from '../lib/protocol.ts';
import { conversation, message, pages } from '../lib/testing.ts';
import { allMessages, type HistoryData } from '../messages/history.ts';
import { applyEvent, type Caches } from './cache-events.ts';

const NOW = new Date('2026-01-01T12:00:00Z');
const ctx = { me: 'ann', nameOf: () => null, now: () => NOW };

const original = message({ seq: 1, senderId: 'ann', text: 'see you at 5' });
const reply = message({
  seq: 2,
  senderId: 'bob',
  text: 'ok',
  replyTo: {
    messageId: 'm1',
    senderId: 'ann',
    text: 'see you at 5',
    attachmentCount: 0,
    deleted: false,
  },
});
const last = message({ seq: 3, senderId: 'ann', text: 'bring the rope' });

function stage(items = [original, reply, last]) {
  const history: HistoryData = pages({ items });
  const list: ConversationsPage = {
    items: [conversation({ lastMessage: items.at(-1) ?? null })],
    nextCursor: null,
  };
  const caches: Caches = {
    conversations: list,
    history: (id) => (id === 'c1' ? history : undefined),
  };
  return caches;
}

const shown = (data: HistoryData | undefined) => allMessages(data);

describe('applyEvent: message actions', () => {
  it('an edit replaces the text, the quote of replies and the list preview', () => {
    const edited = { ...original, text: 'see you at 6', editedAt: NOW };
    const out = applyEvent(stage(), { type: 'message.edited', message: edited }, ctx);
    const [first, second] = shown(out.history?.data);
    expect(first).toMatchObject({ text: 'see you at 6', editedAt: NOW });
    expect(second!.replyTo).toMatchObject({ text: 'see you at 6', deleted: false });
    expect(out.conversations).toBeUndefined();

    const lastEdited = { ...last, text: 'bring two ropes', editedAt: NOW };
    const again = applyEvent(stage(), { type: 'message.edited', message: lastEdited }, ctx);
    expect(again.conversations!.items[0]!.lastMessage).toMatchObject({ text: 'bring two ropes' });
  });

  it('a deletion for everyone leaves a tombstone, and replies say the original is gone', () => {
    const tombstone = { ...original, text: '', deletedAt: NOW };
    const out = applyEvent(stage(), { type: 'message.deleted', message: tombstone }, ctx);
    const [first, second] = shown(out.history?.data);
    expect(first).toMatchObject({ text: '', deletedAt: NOW });
    expect(second!.replyTo).toEqual({
      messageId: 'm1',
      senderId: 'ann',
      text: '',
      attachmentCount: 0,
      deleted: true,
    });
    expect(out.pinnedChanged).toBe('c1');
  });

  it('reactions are added and taken back on the message, live', () => {
    const added = applyEvent(
      stage(),
      { type: 'reaction.added', conversationId: 'c1', messageId: 'm2', emoji: '👍', userId: 'ann' },
      ctx,
    );
    expect(shown(added.history?.data)[1]!.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: ['ann'] },
    ]);
    const reacted = stage(shown(added.history?.data));
    const removed = applyEvent(
      reacted,
      {
        type: 'reaction.removed',
        conversationId: 'c1',
        messageId: 'm2',
        emoji: '👍',
        userId: 'ann',
      },
      ctx,
    );
    expect(shown(removed.history?.data)[1]!.reactions).toEqual([]);
  });

  it('a pin marks the message and asks for the pinned list again', () => {
    const out = applyEvent(
      stage(),
      { type: 'message.pinned', conversationId: 'c1', messageId: 'm1', userId: 'bob' },
      ctx,
    );
    expect(shown(out.history?.data)[0]!.pinnedAt).toEqual(NOW);
    expect(out.pinnedChanged).toBe('c1');
    const unpinned = applyEvent(
      stage(shown(out.history?.data)),
      { type: 'message.unpinned', conversationId: 'c1', messageId: 'm1', userId: 'bob' },
      ctx,
    );
    expect(shown(unpinned.history?.data)[0]!.pinnedAt).toBeNull();
  });

  it('a deletion for me drops the message; the list is fetched again when it was the last', () => {
    const out = applyEvent(
      stage(),
      { type: 'message.hidden', conversationId: 'c1', messageId: 'm2' },
      ctx,
    );
    expect(shown(out.history?.data).map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(out.refetchConversations).toBe(false);
    const lastHidden = applyEvent(
      stage(),
      { type: 'message.hidden', conversationId: 'c1', messageId: 'm3' },
      ctx,
    );
    expect(lastHidden.refetchConversations).toBe(true);
  });

  it('changes nothing for a message not loaded', () => {
    const out = applyEvent(
      stage(),
      { type: 'reaction.added', conversationId: 'c1', messageId: 'm9', emoji: '👍', userId: 'ann' },
      ctx,
    );
    expect(out.history).toBeUndefined();
  });
});
