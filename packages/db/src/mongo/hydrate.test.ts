import { describe, expect, it } from 'vitest';
import { textMessage } from '../contract/fixtures.ts';
import { hydrateMessages, toOriginal, type OriginalDoc } from './hydrate.ts';
import { toMessageDoc } from './mappers.ts';
import type { MessageDoc } from './models.ts';

const at = new Date('2025-03-01T12:00:00.000Z');

function doc(id: string, over: Partial<MessageDoc> = {}): MessageDoc {
  return { ...toMessageDoc(textMessage({ id, text: `text of ${id}`, createdAt: at })), ...over };
}

function original(id: string, over: Partial<OriginalDoc> = {}): OriginalDoc {
  const { _id, senderId, kind, seq, text, attachmentIds, deletedAt } = doc(id);
  return { _id, senderId, kind, seq, text, attachmentIds, deletedAt, ...over };
}

describe('hydrating message documents', () => {
  it('shows each reply’s original as it is now, and nothing for one that is gone', () => {
    const [reply, toDeleted, toMissing, plain] = hydrateMessages(
      [
        doc('r1', { replyToId: 'o1' }),
        doc('r2', { replyToId: 'o2' }),
        doc('r3', { replyToId: 'gone' }),
        doc('p'),
      ],
      [
        original('o1', { senderId: 'u-2', text: 'q'.repeat(300), attachmentIds: ['a', 'b'] }),
        original('o2', { deletedAt: at, text: '', attachmentIds: [] }),
      ],
      [],
    );
    expect(reply?.replyTo).toEqual({
      messageId: 'o1',
      senderId: 'u-2',
      text: 'q'.repeat(200),
      attachmentCount: 2,
      deleted: false,
    });
    expect(toDeleted?.replyTo).toMatchObject({ messageId: 'o2', deleted: true, text: '' });
    expect(toMissing?.replyTo).toBeNull();
    expect(plain?.replyTo).toBeNull();
  });

  it('gives each message its own reactions, most first', () => {
    const [first, second] = hydrateMessages(
      [doc('m1'), doc('m2')],
      [],
      [
        { messageId: 'm2', emoji: '😮', userId: 'u-3' },
        { messageId: 'm1', emoji: '❤️', userId: 'u-2' },
        { messageId: 'm1', emoji: '👍', userId: 'u-2' },
        { messageId: 'm1', emoji: '👍', userId: 'u-3' },
      ],
    );
    expect(first?.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: ['u-2', 'u-3'] },
      { emoji: '❤️', count: 1, userIds: ['u-2'] },
    ]);
    expect(second?.reactions).toEqual([{ emoji: '😮', count: 1, userIds: ['u-3'] }]);
  });

  it('keeps what the document holds: edits, deletion, forwarding, pin; never who hid it', () => {
    const [message] = hydrateMessages(
      [
        doc('m', {
          editedAt: at,
          deletedAt: at,
          forwarded: true,
          pinnedAt: at,
          hiddenFor: ['u-9'],
        }),
      ],
      [],
      [],
    );
    expect(message).toMatchObject({ editedAt: at, deletedAt: at, forwarded: true, pinnedAt: at });
    expect(message).not.toHaveProperty('hiddenFor');
    expect(message).not.toHaveProperty('replyToId');
  });

  it('reads an original stored before message actions as not deleted', () => {
    const { deletedAt: _deletedAt, ...old } = original('o');
    expect(toOriginal(old as OriginalDoc)).toMatchObject({ id: 'o', deleted: false, kind: 'text' });
  });
});
