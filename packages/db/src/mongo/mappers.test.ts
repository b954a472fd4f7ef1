import { describe, expect, it } from 'vitest';
import { textMessage } from '../contract/fixtures.ts';
import { DEFAULT_SETTINGS } from '../privacy.ts';
import type { Message, Report } from '../types.ts';
import { toEventLogDoc } from './events.ts';
import { toAttachment, toEvent, toMessage, toMessageDoc, toReport, toSettings } from './mappers.ts';
import type { AttachmentDoc, MessageDoc } from './models.ts';

const message: Message = textMessage({
  seq: 3,
  text: 'hi @bob',
  attachmentIds: ['a-1'],
  attachments: [
    {
      id: 'a-1',
      kind: 'image',
      mime: 'image/png',
      width: 1600,
      height: 900,
      url: '/api/files/a-1/display',
      thumbUrl: '/api/files/a-1/thumb',
      thumbWidth: 320,
      thumbHeight: 180,
    },
  ],
  mentions: ['u-2'],
});

describe('mongo mappers', () => {
  it('map a message to its document and back', () => {
    expect(toMessageDoc(message)).toMatchObject({ _id: 'm-1', replyToId: null, hiddenFor: [] });
    expect(toMessageDoc(message)).not.toHaveProperty('id');
    expect(toMessage(toMessageDoc(message))).toEqual(message);
  });

  it('store a reply as the id of what it answers, and no reactions (read beside it)', () => {
    const reply: Message = {
      ...message,
      replyTo: { messageId: 'm-0', senderId: 'u-2', text: 'q', attachmentCount: 0, deleted: false },
      reactions: [{ emoji: '👍', count: 1, userIds: ['u-2'] }],
    };
    const doc = toMessageDoc(reply);
    expect(doc.replyToId).toBe('m-0');
    expect(doc).not.toHaveProperty('replyTo');
    expect(doc).not.toHaveProperty('reactions');
    // Filled in by hydrate.
    expect(toMessage(doc)).toMatchObject({ replyTo: null, reactions: [] });
  });

  it('read a message stored before groups, attachments and actions as a plain text message', () => {
    const {
      kind: _kind,
      mentions: _mentions,
      system: _system,
      attachments: _attachments,
      editedAt: _editedAt,
      deletedAt: _deletedAt,
      forwarded: _forwarded,
      pinnedAt: _pinnedAt,
      ...old
    } = toMessageDoc(message);
    expect(toMessage(old as MessageDoc)).toEqual({
      ...message,
      attachments: [],
      mentions: [],
      kind: 'text',
      system: null,
    });
  });

  it('store a message.new event as a reference, and read it back with its message', () => {
    const event = {
      id: 7,
      conversationId: 'c-1',
      userId: null,
      data: { type: 'message.new' as const, message },
      createdAt: message.createdAt,
      members: { joined: ['u-1', 'u-2'], left: [] },
    };
    const doc = toEventLogDoc(event);
    expect(doc).toEqual({
      _id: 7,
      conversationId: 'c-1',
      data: { type: 'message.new', messageId: 'm-1' },
      members: { joined: ['u-1', 'u-2'], left: [] },
      createdAt: message.createdAt,
    });
    // Absent, not null: the partial index on userId holds only users' own events.
    expect(doc).not.toHaveProperty('userId');
    expect(toEvent(doc, new Map([['m-1', message]]))).toEqual(event);
    expect(() => toEvent(doc, new Map())).toThrow(/missing message m-1/);
  });

  it('store a user’s own event without a conversation', () => {
    const event = {
      id: 8,
      conversationId: null,
      userId: 'u-2',
      data: {
        type: 'conversation.read' as const,
        conversationId: 'c-1',
        readSeq: 3,
        unreadCount: 0,
        mentionCount: 0,
      },
      createdAt: message.createdAt,
    };
    const doc = toEventLogDoc(event);
    expect(doc).not.toHaveProperty('conversationId');
    expect(doc).not.toHaveProperty('members');
    expect(toEvent(doc, new Map())).toEqual(event);
  });

  it('store who an event is withheld from, and leave it out when nobody', () => {
    const event = {
      id: 9,
      conversationId: 'c-1',
      userId: null,
      data: { type: 'message.new' as const, message },
      createdAt: message.createdAt,
      except: ['u-2'],
    };
    const doc = toEventLogDoc(event);
    expect(doc.except).toEqual(['u-2']);
    expect(toEvent(doc, new Map([['m-1', message]]))).toEqual(event);
    const { except: _except, ...plain } = event;
    expect(toEventLogDoc({ ...plain, except: [] })).not.toHaveProperty('except');
    expect(toEvent({ ...doc, except: [] }, new Map([['m-1', message]]))).toEqual(plain);
  });

  it('store a withheld message as hidden for those it is withheld from', () => {
    expect(toMessageDoc(message, ['u-2']).hiddenFor).toEqual(['u-2']);
    // Who hid it is nobody else's business: reads leave `hiddenFor` out.
    expect(toMessage(toMessageDoc(message, ['u-2']))).toEqual(message);
  });

  it('read the privacy settings of a user, the defaults for one who is not there', () => {
    expect(toSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(toSettings(undefined)).not.toBe(DEFAULT_SETTINGS);
    const chosen = {
      lastSeen: 'nobody' as const,
      readReceipts: false,
      notificationPreviews: false,
    };
    expect(toSettings(chosen)).toEqual(chosen);
    expect(toSettings({ readReceipts: false })).toEqual({
      ...DEFAULT_SETTINGS,
      readReceipts: false,
    });
  });

  it('map a report to its document and back', () => {
    const report: Report = {
      id: 'r-1',
      reporterId: 'u-1',
      userId: 'u-2',
      messageId: 'm-1',
      reason: 'abuse',
      details: '',
      context: [{ id: 'm-1', senderId: 'u-2', text: '', createdAt: message.createdAt }],
      createdAt: message.createdAt,
      status: 'resolved',
      resolvedBy: 'u-3',
      resolution: 'warned',
      resolvedAt: message.createdAt,
    };
    const { id, ...rest } = report;
    expect(toReport({ _id: id, ...rest })).toEqual(report);
  });

  it('read an upload recorded before groups and forwards as nobody’s group picture, with its own files', () => {
    const doc = {
      _id: 'a-1',
      ownerId: 'u-1',
      kind: 'image',
      mime: 'image/png',
      size: 10,
      width: 2,
      height: 2,
      variants: {
        display: { width: 2, height: 2, size: 5 },
        thumb: { width: 1, height: 1, size: 3 },
      },
      createdAt: message.createdAt,
      messageId: null,
      conversationId: null,
      isAvatar: false,
    } as unknown as AttachmentDoc;
    expect(toAttachment(doc)).toMatchObject({ id: 'a-1', groupAvatarOf: null, blobId: 'a-1' });
    expect(toAttachment({ ...doc, blobId: 'a-0' })).toMatchObject({ id: 'a-1', blobId: 'a-0' });
  });
});
