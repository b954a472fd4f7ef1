import type Database from 'better-sqlite3-multiple-ciphers';
import {
  groupReactions,
  toReplyPreview,
  type Original,
  type ReactionRow,
} from '../message-actions.ts';
import type { Message, MessageAttachment } from '../types.ts';
import { toMessage, type MessageRow } from './rows.ts';

export const hydrateSql = {
  originals: `
    SELECT id, sender_id, kind, seq, text, attachments, deleted_at FROM messages
    WHERE id IN (SELECT value FROM json_each(?))`,
  reactions: `
    SELECT message_id AS messageId, emoji, user_id AS userId FROM message_reactions
    WHERE message_id IN (SELECT value FROM json_each(?))
    ORDER BY created_at, user_id`,
  pins: `
    SELECT message_id, pinned_at FROM pinned_messages
    WHERE message_id IN (SELECT value FROM json_each(?))`,
};

/** What is read of a message that a reply answers. */
export type OriginalRow = Pick<
  MessageRow,
  'id' | 'sender_id' | 'kind' | 'seq' | 'text' | 'attachments' | 'deleted_at'
>;

/** A message as a reply's original (see `toReplyPreview`). */
export function toOriginal(row: OriginalRow): Original & Pick<Message, 'kind' | 'seq'> {
  return {
    id: row.id,
    senderId: row.sender_id,
    kind: row.kind,
    seq: row.seq,
    text: row.text,
    attachmentCount: (JSON.parse(row.attachments) as MessageAttachment[]).length,
    deleted: row.deleted_at !== null,
  };
}

/** Rows to messages with what lives beside them: the replies' originals, reactions and pins. */
export type Hydrate = (rows: MessageRow[]) => Message[];

export function messageHydrator(db: Database.Database): Hydrate {
  const originals = db.prepare<[string], OriginalRow>(hydrateSql.originals);
  const reactions = db.prepare<[string], ReactionRow>(hydrateSql.reactions);
  const pins = db.prepare<[string], { message_id: string; pinned_at: number }>(hydrateSql.pins);

  return (rows) => {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const replyIds = rows.flatMap((r) => (r.reply_to_id ? [r.reply_to_id] : []));
    const previews = new Map(
      replyIds.length === 0
        ? []
        : originals
            .all(JSON.stringify(replyIds))
            .map((o) => [o.id, toReplyPreview(toOriginal(o))] as const),
    );
    const reactionsOf = groupReactions(reactions.all(ids));
    const pinnedAt = new Map(
      pins.all(ids).map((p) => [p.message_id, new Date(p.pinned_at)] as const),
    );
    return rows.map((row) => ({
      ...toMessage(row),
      replyTo: row.reply_to_id ? (previews.get(row.reply_to_id) ?? null) : null,
      reactions: reactionsOf.get(row.id) ?? [],
      pinnedAt: pinnedAt.get(row.id) ?? null,
    }));
  };
}
