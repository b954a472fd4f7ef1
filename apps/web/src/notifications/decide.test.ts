import { describe, expect, it } from 'vitest';
import { conversation, group, message } from '../lib/testing.ts';
import { messagePreview, notificationFor, type NotifyContext } from './decide.ts';

const NOW = new Date('2026-03-18T12:00:00Z');
const ctx = (over: Partial<NotifyContext> = {}): NotifyContext => ({
  me: 'ann',
  conversation: conversation({ id: 'c1' }),
  pageVisible: false,
  openConversationId: null,
  previews: true,
  senderName: 'Bob',
  now: NOW,
  ...over,
});
const fromBob = message({ seq: 4, senderId: 'bob', text: 'Lunch at noon?' });

describe('notificationFor', () => {
  it('a message in a hidden tab: the sender and the text', () => {
    expect(notificationFor(fromBob, ctx())).toEqual({
      title: 'Bob',
      body: 'Lunch at noon?',
      tag: 'conversation-c1',
      conversationId: 'c1',
      messageId: 'm4',
      mention: false,
    });
  });

  it('in a visible tab: only when another conversation is open', () => {
    expect(
      notificationFor(fromBob, ctx({ pageVisible: true, openConversationId: 'c1' })),
    ).toBeNull();
    expect(
      notificationFor(fromBob, ctx({ pageVisible: true, openConversationId: 'c2' })),
    ).not.toBeNull();
    expect(notificationFor(fromBob, ctx({ pageVisible: true }))).not.toBeNull();
    // Hidden, the open conversation notifies too: nobody is looking at it.
    expect(notificationFor(fromBob, ctx({ openConversationId: 'c1' }))).not.toBeNull();
  });

  it('never for my own messages, system lines, or a muted conversation', () => {
    expect(notificationFor({ ...fromBob, senderId: 'ann' }, ctx())).toBeNull();
    expect(notificationFor({ ...fromBob, kind: 'system' }, ctx())).toBeNull();
    const muted = conversation({ id: 'c1', mutedUntil: new Date(NOW.getTime() + 60_000) });
    expect(notificationFor(fromBob, ctx({ conversation: muted }))).toBeNull();
    // A mention in a muted group stays silent too.
    const mutedGroup = group({ id: 'c1', mutedUntil: new Date('9999-12-31T23:59:59Z') });
    expect(
      notificationFor({ ...fromBob, mentions: ['ann'] }, ctx({ conversation: mutedGroup })),
    ).toBeNull();
    // A mute that ended notifies again.
    const ended = conversation({ id: 'c1', mutedUntil: new Date(NOW.getTime() - 60_000) });
    expect(notificationFor(fromBob, ctx({ conversation: ended }))).not.toBeNull();
  });

  it('a group: the group in the title, a mention said so', () => {
    const climbers = group({ id: 'c1', title: 'Climbers' });
    expect(notificationFor(fromBob, ctx({ conversation: climbers }))?.title).toBe(
      'Bob in Climbers',
    );
    const mention = notificationFor(
      { ...fromBob, mentions: ['ann'] },
      ctx({ conversation: climbers }),
    );
    expect(mention).toMatchObject({ title: 'Bob mentioned you in Climbers', mention: true });
  });

  it('previews off: nothing of the message', () => {
    expect(
      notificationFor({ ...fromBob, mentions: ['ann'] }, ctx({ previews: false })),
    ).toMatchObject({
      title: 'Parley',
      body: 'New message',
      mention: false,
    });
  });

  it('a conversation not listed yet still notifies, by the sender', () => {
    expect(notificationFor(fromBob, ctx({ conversation: null }))?.title).toBe('Bob');
  });
});

describe('messagePreview', () => {
  it('shortens long text and names photos', () => {
    expect(messagePreview({ text: 'a'.repeat(200), attachments: [] })).toHaveLength(140);
    expect(messagePreview({ text: '', attachments: [{}, {}] as never })).toBe('📷 2 photos');
    expect(messagePreview({ text: ' hi\n\nthere ', attachments: [] })).toBe('hi there');
  });
});
