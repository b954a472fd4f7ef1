import type { Message } from '../../lib/protocol.ts';

export type ReplyPreview = NonNullable<Message['replyTo']>;

/** What a reply shows of the message it answers (the server sends the same for stored replies). */
export function quoteOf(m: {
  id: string;
  senderId: string;
  text: string;
  attachments: readonly unknown[];
  deleted: boolean;
}): ReplyPreview {
  return {
    messageId: m.id,
    senderId: m.senderId,
    text: m.deleted ? '' : m.text,
    attachmentCount: m.deleted ? 0 : m.attachments.length,
    deleted: m.deleted,
  };
}
