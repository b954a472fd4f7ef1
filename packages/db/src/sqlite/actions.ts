import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { toMessageAttachment } from '../attachments.ts';
import { coversSeq } from '../membership.ts';
import {
  checkAction,
  checkNewEmoji,
  requireActionable,
  type ActionFacts,
} from '../message-actions.ts';
import { forwardedFields } from '../message-fields.ts';
import { ConversationRuleError, MessageActionError, type MessageActionStore } from '../store.ts';
import type {
  DurableEventData,
  ForwardInput,
  Message,
  MessageAction,
  MessageActionResult,
  SendResult,
  StoredEvent,
} from '../types.ts';
import { conversationSql } from './conversations.ts';
import type { AppendEvent } from './events.ts';
import type { Hydrate } from './hydrate.ts';
import { uuidv7 } from '../ids.ts';
import type { WriteMessage } from './messages.ts';
import type { Periods } from './periods.ts';
import {
  toAttachment,
  toMembership,
  type AttachmentRow,
  type ConversationRow,
  type MemberRow,
  type MessageRow,
} from './rows.ts';

export const actionSql = {
  message: `SELECT * FROM messages WHERE id = ?`,
  byClientId: `SELECT * FROM messages WHERE sender_id = ? AND client_message_id = ?`,
  edit: `UPDATE messages SET text = @text, mentions = @mentions, edited_at = @at WHERE id = @id`,
  clearMentions: `DELETE FROM message_mentions WHERE conversation_id = ? AND seq = ?`,
  insertMention: `INSERT OR IGNORE INTO message_mentions (user_id, conversation_id, seq) VALUES (?, ?, ?)`,
  memberIdsByUsername: `
    SELECT u.id FROM users AS u
    JOIN conversation_members AS m ON m.user_id = u.id
    WHERE m.conversation_id = ? AND m.left_at IS NULL
      AND u.username IN (SELECT value FROM json_each(?))`,
  tombstone: `
    UPDATE messages SET
      text = '', attachment_ids = '[]', attachments = '[]', mentions = '[]', deleted_at = @at
    WHERE id = @id`,
  clearReactions: `DELETE FROM message_reactions WHERE message_id = ?`,
  unpinAll: `DELETE FROM pinned_messages WHERE message_id = ?`,
  attachmentsOf: `SELECT * FROM attachments WHERE message_id = ?`,
  deleteAttachmentsOf: `DELETE FROM attachments WHERE message_id = ?`,
  react: `
    INSERT OR IGNORE INTO message_reactions (message_id, emoji, user_id, created_at)
    VALUES (?, ?, ?, ?)`,
  unreact: `DELETE FROM message_reactions WHERE message_id = ? AND emoji = ? AND user_id = ?`,
  emojis: `SELECT DISTINCT emoji FROM message_reactions WHERE message_id = ?`,
  pin: `
    INSERT OR IGNORE INTO pinned_messages (conversation_id, message_id, pinned_by, pinned_at)
    VALUES (?, ?, ?, ?)`,
  unpin: `DELETE FROM pinned_messages WHERE conversation_id = ? AND message_id = ?`,
  hide: `INSERT OR IGNORE INTO hidden_messages (user_id, conversation_id, seq) VALUES (?, ?, ?)`,
  withhold: `INSERT INTO hidden_messages (user_id, conversation_id, seq, withheld) VALUES (?, ?, ?, 1)`,
  copyAttachment: `
    INSERT INTO attachments
      (id, owner_id, kind, mime, size, width, height, variants, name, duration_ms, created_at,
       message_id, conversation_id, blob_id)
    SELECT @id, @ownerId, kind, mime, size, width, height, variants, name, duration_ms,
      @createdAt, @messageId, @conversationId, coalesce(blob_id, id)
    FROM attachments WHERE id = @sourceId
    RETURNING *`,
  pinned: `
    SELECT m.* FROM pinned_messages AS p
    JOIN messages AS m ON m.id = p.message_id
    WHERE p.conversation_id = ?
    ORDER BY p.pinned_at DESC`,
  blobInUse: `
    SELECT 1 FROM attachments WHERE id = @blobId
    UNION ALL
    SELECT 1 FROM attachments WHERE blob_id = @blobId
    LIMIT 1`,
};

export function actionMethods(
  db: Database.Database,
  deps: {
    appendEvent: AppendEvent;
    writeMessage: WriteMessage;
    periods: Periods;
    hydrate: Hydrate;
  },
): MessageActionStore {
  const { appendEvent, writeMessage, periods, hydrate } = deps;
  const prepare = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
  const q = {
    message: prepare<[string], MessageRow>(actionSql.message),
    byClientId: prepare<[string, string], MessageRow>(actionSql.byClientId),
    member: prepare<[string, string], MemberRow>(conversationSql.member),
    conversation: prepare<[string], ConversationRow>(conversationSql.byId),
    edit: prepare<[{ id: string; text: string; mentions: string; at: number }]>(actionSql.edit),
    clearMentions: prepare<[string, number]>(actionSql.clearMentions),
    insertMention: prepare<[string, string, number]>(actionSql.insertMention),
    memberIdsByUsername: prepare<[string, string], string>(actionSql.memberIdsByUsername).pluck(),
    tombstone: prepare<[{ id: string; at: number }]>(actionSql.tombstone),
    clearReactions: prepare<[string]>(actionSql.clearReactions),
    unpinAll: prepare<[string]>(actionSql.unpinAll),
    attachmentsOf: prepare<[string], AttachmentRow>(actionSql.attachmentsOf),
    deleteAttachmentsOf: prepare<[string]>(actionSql.deleteAttachmentsOf),
    react: prepare<[string, string, string, number]>(actionSql.react),
    unreact: prepare<[string, string, string]>(actionSql.unreact),
    emojis: prepare<[string], string>(actionSql.emojis).pluck(),
    pin: prepare<[string, string, string, number]>(actionSql.pin),
    unpin: prepare<[string, string]>(actionSql.unpin),
    hide: prepare<[string, string, number]>(actionSql.hide),
    copyAttachment: prepare<
      [
        {
          id: string;
          ownerId: string;
          createdAt: number;
          messageId: string;
          conversationId: string;
          sourceId: string;
        },
      ],
      AttachmentRow
    >(actionSql.copyAttachment),
    pinned: prepare<[string], MessageRow>(actionSql.pinned),
    blobInUse: prepare<[{ blobId: string }], number>(actionSql.blobInUse).pluck(),
  };

  /** The message and what an action on it by `actorId` is judged on (see message-actions.ts). */
  const judge = (messageId: string, actorId: string) => {
    const row = q.message.get(messageId);
    if (!row) throw new MessageActionError('not_found');
    const member = q.member.get(row.conversation_id, actorId);
    const facts: ActionFacts = {
      message: {
        seq: row.seq,
        senderId: row.sender_id,
        kind: row.kind,
        createdAt: new Date(row.created_at),
        deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at),
      },
      membership: member ? toMembership(member) : null,
      periods: periods.ofMember(actorId, row.conversation_id),
      conversationKind: q.conversation.get(row.conversation_id)!.kind,
    };
    return { row, facts };
  };

  const reread = (id: string): Message => hydrate([q.message.get(id)!])[0]!;

  const conversationEvent = (row: MessageRow, data: DurableEventData, at: Date): StoredEvent =>
    appendEvent({ conversationId: row.conversation_id }, data, at);

  const act = db.transaction((action: MessageAction, at: Date): MessageActionResult => {
    const time = at.getTime();
    const { row, facts } = judge(action.messageId, action.actorId);
    checkAction(action, facts);
    switch (action.type) {
      case 'hide': {
        const changed = q.hide.run(action.actorId, row.conversation_id, row.seq).changes === 1;
        const events = changed
          ? [
              appendEvent(
                { userId: action.actorId },
                { type: 'message.hidden', conversationId: row.conversation_id, messageId: row.id },
                at,
              ),
            ]
          : [];
        return { message: reread(row.id), changed, events, releasedAttachmentIds: [] };
      }
      case 'edit': {
        const mentions =
          facts.conversationKind === 'group' && action.mentionUsernames.length > 0
            ? q.memberIdsByUsername
                .all(row.conversation_id, JSON.stringify(action.mentionUsernames))
                .filter((id) => id !== action.actorId)
            : [];
        q.edit.run({ id: row.id, text: action.text, mentions: JSON.stringify(mentions), at: time });
        q.clearMentions.run(row.conversation_id, row.seq);
        for (const userId of mentions) q.insertMention.run(userId, row.conversation_id, row.seq);
        const message = reread(row.id);
        return {
          message,
          changed: true,
          events: [conversationEvent(row, { type: 'message.edited', message }, at)],
          releasedAttachmentIds: [],
        };
      }
      case 'delete': {
        const released = q.attachmentsOf.all(row.id).map((a) => toAttachment(a).blobId);
        q.deleteAttachmentsOf.run(row.id);
        q.tombstone.run({ id: row.id, at: time });
        q.clearMentions.run(row.conversation_id, row.seq);
        q.clearReactions.run(row.id);
        q.unpinAll.run(row.id);
        const message = reread(row.id);
        return {
          message,
          changed: true,
          events: [conversationEvent(row, { type: 'message.deleted', message }, at)],
          releasedAttachmentIds: released,
        };
      }
      case 'react': {
        const ref = {
          conversationId: row.conversation_id,
          messageId: row.id,
          emoji: action.emoji,
          userId: action.actorId,
        };
        if (action.on) {
          checkNewEmoji(q.emojis.all(row.id), action.emoji, action.maxEmoji);
          const changed = q.react.run(row.id, action.emoji, action.actorId, time).changes === 1;
          const events = changed
            ? [conversationEvent(row, { type: 'reaction.added', ...ref }, at)]
            : [];
          return { message: reread(row.id), changed, events, releasedAttachmentIds: [] };
        }
        const changed = q.unreact.run(row.id, action.emoji, action.actorId).changes === 1;
        const events = changed
          ? [conversationEvent(row, { type: 'reaction.removed', ...ref }, at)]
          : [];
        return { message: reread(row.id), changed, events, releasedAttachmentIds: [] };
      }
      case 'pin': {
        const ref = {
          conversationId: row.conversation_id,
          messageId: row.id,
          userId: action.actorId,
        };
        const changed = action.on
          ? q.pin.run(row.conversation_id, row.id, action.actorId, time).changes === 1
          : q.unpin.run(row.conversation_id, row.id).changes === 1;
        const type = action.on ? ('message.pinned' as const) : ('message.unpinned' as const);
        const events = changed ? [conversationEvent(row, { type, ...ref }, at)] : [];
        return { message: reread(row.id), changed, events, releasedAttachmentIds: [] };
      }
    }
  });

  const forward = db.transaction((input: ForwardInput): SendResult[] => {
    const { row: source, facts } = judge(input.messageId, input.actorId);
    requireActionable(facts);
    return input.conversationIds.map((conversationId, i) => {
      const clientMessageId = input.clientMessageIds[i]!;
      const existing = q.byClientId.get(input.actorId, clientMessageId);
      if (existing) return { message: hydrate([existing])[0]!, created: false, events: [] };
      const conversation = q.conversation.get(conversationId);
      const membership = conversation ? q.member.get(conversationId, input.actorId) : undefined;
      if (!conversation || !membership) throw new ConversationRuleError('not_found');
      if (membership.left_at !== null) throw new ConversationRuleError('not_member');
      const id = uuidv7(input.createdAt.getTime());
      const attachments = (JSON.parse(source.attachment_ids) as string[]).map((sourceId) =>
        toMessageAttachment(
          toAttachment(
            q.copyAttachment.get({
              id: randomUUID(),
              ownerId: input.actorId,
              createdAt: input.createdAt.getTime(),
              messageId: id,
              conversationId,
              sourceId,
            })!,
          ),
        ),
      );
      const { message, event } = writeMessage(
        conversation,
        forwardedFields({
          id,
          senderId: input.actorId,
          text: source.text,
          attachments,
          clientMessageId,
          createdAt: input.createdAt,
        }),
      );
      return { message, created: true, events: [event] };
    });
  });

  return {
    async actOnMessage(action, at) {
      return act.immediate(action, at);
    },

    async forwardMessage(input) {
      return forward.immediate(input);
    },

    async listPinned(conversationId, userId) {
      const spans = periods.ofMember(userId, conversationId);
      return hydrate(q.pinned.all(conversationId).filter((row) => coversSeq(spans, row.seq)));
    },

    async blobInUse(blobId) {
      return q.blobInUse.get({ blobId }) !== undefined;
    },
  };
}
