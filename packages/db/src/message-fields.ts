import { randomUUID } from 'node:crypto';
import { uuidv7 } from './ids.ts';
import type { Message, NewMessage, SystemEvent } from './types.ts';

/**
 * A new message's own content; the adapter that stores it gives it its conversation, seq and
 * event (and it starts unedited, undeleted, without reactions, unpinned). `id` is a UUIDv7 of
 * `createdAt` (see ids.ts).
 */
export type MessageFields = Omit<
  Message,
  'conversationId' | 'seq' | 'editedAt' | 'deletedAt' | 'reactions' | 'pinnedAt'
>;

/** A text message as sent, with what the store resolved for it in the send's transaction. */
export function sentFields(
  msg: NewMessage,
  resolved: Pick<MessageFields, 'id' | 'attachments' | 'mentions' | 'replyTo'>,
): MessageFields {
  return {
    ...resolved,
    kind: 'text',
    senderId: msg.senderId,
    text: msg.text,
    attachmentIds: [...msg.attachmentIds],
    system: null,
    clientMessageId: msg.clientMessageId,
    createdAt: msg.createdAt,
    forwarded: false,
  };
}

/** A copy of a message's text and attachments (already copied) sent by `senderId`. */
export function forwardedFields(
  copy: Pick<
    MessageFields,
    'id' | 'senderId' | 'text' | 'attachments' | 'clientMessageId' | 'createdAt'
  >,
): MessageFields {
  return {
    ...copy,
    kind: 'text',
    attachmentIds: copy.attachments.map((a) => a.id),
    mentions: [],
    system: null,
    replyTo: null,
    forwarded: true,
  };
}

/** The line of the timeline that records a change of a group. */
export function systemFields(system: SystemEvent, at: Date): MessageFields {
  return {
    id: uuidv7(at.getTime()),
    kind: 'system',
    senderId: system.actorId,
    text: '',
    attachmentIds: [],
    attachments: [],
    mentions: [],
    system,
    clientMessageId: `system-${randomUUID()}`,
    createdAt: at,
    replyTo: null,
    forwarded: false,
  };
}
