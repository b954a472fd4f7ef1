import { describe, expect, it } from 'vitest';
import { forwardedFields, sentFields, systemFields } from './message-fields.ts';
import type { MessageAttachment } from './types.ts';

const at = new Date('2025-03-01T12:00:00.000Z');
const picture: MessageAttachment = {
  id: 'a-2',
  kind: 'image',
  mime: 'image/png',
  width: 2,
  height: 2,
  url: '/api/files/a-2/display',
  thumbUrl: '/api/files/a-2/thumb',
  thumbWidth: 1,
  thumbHeight: 1,
};

describe('new message fields', () => {
  it('take a sent message as written, with what the store resolved', () => {
    const attachmentIds = ['a-2'];
    const fields = sentFields(
      {
        senderId: 'u-1',
        conversationId: 'c-1',
        text: 'hi @bob',
        attachmentIds,
        mentionUsernames: ['bob'],
        clientMessageId: 'cm-1',
        createdAt: at,
        replyToId: 'm-0',
      },
      { id: 'm-1', attachments: [picture], mentions: ['u-2'], replyTo: null },
    );
    expect(fields).toEqual({
      id: 'm-1',
      kind: 'text',
      senderId: 'u-1',
      text: 'hi @bob',
      attachmentIds: ['a-2'],
      attachments: [picture],
      mentions: ['u-2'],
      system: null,
      clientMessageId: 'cm-1',
      createdAt: at,
      replyTo: null,
      forwarded: false,
    });
    expect(fields.attachmentIds).not.toBe(attachmentIds);
  });

  it('make a forwarded copy: its own attachments, no mentions, no reply', () => {
    expect(
      forwardedFields({
        id: 'm-2',
        senderId: 'u-3',
        text: 'look',
        attachments: [picture],
        clientMessageId: 'fwd-1',
        createdAt: at,
      }),
    ).toMatchObject({
      kind: 'text',
      attachmentIds: ['a-2'],
      mentions: [],
      replyTo: null,
      forwarded: true,
    });
  });

  it('make a system line of a group change, by its actor, with a fresh time-ordered id', () => {
    const system = { action: 'joined', actorId: 'u-4' } as const;
    const one = systemFields(system, at);
    const two = systemFields(system, at);
    expect(one).toMatchObject({ kind: 'system', senderId: 'u-4', text: '', system });
    expect(one.id).toMatch(/^01955/);
    expect(one.clientMessageId).toMatch(/^system-/);
    expect([one.id, one.clientMessageId]).not.toEqual([two.id, two.clientMessageId]);
  });
});
