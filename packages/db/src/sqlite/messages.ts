import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { MessageStore } from '../store.ts';
import type { Message, NewMessage, SendResult } from '../types.ts';
import { conversationSql } from './conversations.ts';
import type { ClaimAttachments } from './attachments.ts';
import type { AppendEvents } from './events.ts';
import { toMessage, type ConversationRow, type MessageRow } from './rows.ts';
import { pairKey, directMemberIds } from '../direct.ts';
import { uuidv7 } from './ids.ts';

export const messageSql = {
  byId: `SELECT * FROM messages WHERE id = ?`,
  byClientId: `SELECT * FROM messages WHERE sender_id = ? AND client_message_id = ?`,
  before: `
    SELECT * FROM messages
    WHERE conversation_id = ? AND seq < ?
    ORDER BY seq DESC
    LIMIT ?`,
  insert: `
    INSERT INTO messages
      (id, conversation_id, seq, sender_id, text, attachment_ids, attachments, client_message_id,
       created_at)
    VALUES
      (@id, @conversationId, @seq, @senderId, @text, @attachmentIds, @attachments, @clientMessageId,
       @createdAt)`,
  insertConversation: `
    INSERT INTO conversations (id, kind, pair_key, created_at)
    VALUES (?, 'direct', ?, ?)
    RETURNING *`,
  insertMember: `INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?)`,
  touchConversation: `UPDATE conversations SET last_message_at = ?, last_seq = ? WHERE id = ?`,
  // The sender has seen their own message; but if they had not caught up with the messages
  // before it, moving them past those would mark unseen messages read.
  senderCaughtUp: `
    UPDATE conversation_members SET
      delivered_seq = CASE WHEN delivered_seq >= @previousSeq THEN @seq ELSE delivered_seq END,
      read_seq = CASE WHEN read_seq >= @previousSeq THEN @seq ELSE read_seq END
    WHERE conversation_id = @conversationId AND user_id = @userId`,
};

/** At most this many sends share one transaction; the rest wait for the next turn of the event loop. */
const MAX_SENDS_PER_COMMIT = 256;

interface QueuedSend {
  msg: NewMessage;
  resolve: (result: SendResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: SendResult } | { ok: false; error: unknown };

export function messageMethods(
  db: Database.Database,
  appendEvents: AppendEvents,
  claimAttachments: ClaimAttachments,
): MessageStore & { /** Commits every queued send now (before closing). */ flushSends(): void } {
  const byId = db.prepare<[string], MessageRow>(messageSql.byId);
  const byClientId = db.prepare<[string, string], MessageRow>(messageSql.byClientId);
  const before = db.prepare<[string, number, number], MessageRow>(messageSql.before);
  const insert = db.prepare<
    [
      Omit<Message, 'attachmentIds' | 'attachments' | 'createdAt'> & {
        attachmentIds: string;
        attachments: string;
        createdAt: number;
      },
    ]
  >(messageSql.insert);
  const conversationByPairKey = db.prepare<[string], ConversationRow>(conversationSql.byPairKey);
  const insertConversation = db.prepare<[string, string, number], ConversationRow>(
    messageSql.insertConversation,
  );
  const insertMember = db.prepare<[string, string]>(messageSql.insertMember);
  const touchConversation = db.prepare<[number, number, string]>(messageSql.touchConversation);
  const senderCaughtUp = db.prepare<
    [{ conversationId: string; userId: string; previousSeq: number; seq: number }]
  >(messageSql.senderCaughtUp);

  const directConversation = (memberIds: [string, string], createdAt: Date): ConversationRow => {
    const key = pairKey(...memberIds);
    const existing = conversationByPairKey.get(key);
    if (existing) return existing;
    const created = insertConversation.get(randomUUID(), key, createdAt.getTime())!;
    for (const userId of memberIds) insertMember.run(created.id, userId);
    return created;
  };

  const sendOne = (msg: NewMessage): SendResult => {
    const existing = byClientId.get(msg.senderId, msg.clientMessageId);
    if (existing) return { message: toMessage(existing), created: false, events: [] };

    const memberIds = directMemberIds(msg);
    const conversation = directConversation(memberIds, msg.createdAt);
    const id = uuidv7(msg.createdAt.getTime());
    const attachments = claimAttachments({
      ids: msg.attachmentIds,
      ownerId: msg.senderId,
      messageId: id,
      conversationId: conversation.id,
    });
    const message: Message = {
      id,
      conversationId: conversation.id,
      seq: conversation.last_seq + 1,
      senderId: msg.senderId,
      text: msg.text,
      attachmentIds: [...msg.attachmentIds],
      attachments,
      clientMessageId: msg.clientMessageId,
      createdAt: msg.createdAt,
    };
    insert.run({
      ...message,
      attachmentIds: JSON.stringify(message.attachmentIds),
      attachments: JSON.stringify(message.attachments),
      createdAt: message.createdAt.getTime(),
    });
    touchConversation.run(message.createdAt.getTime(), message.seq, conversation.id);
    senderCaughtUp.run({
      conversationId: conversation.id,
      userId: msg.senderId,
      previousSeq: conversation.last_seq,
      seq: message.seq,
    });
    const events = appendEvents(memberIds, { type: 'message.new', message }, message.createdAt);
    return { message, created: true, events };
  };
  const send = db.transaction(sendOne);

  // Group commit. A transaction is cheap to run but dear to commit (the WAL write of every page
  // it touched), so the sends that arrive in the same turn of the event loop share one
  // transaction. If any of them fails, that transaction is rolled back whole and each send runs
  // again in its own, so one bad send fails alone. Every promise settles after the COMMIT, so a
  // send is still acknowledged only once it is stored.
  let queue: QueuedSend[] = [];
  let scheduled = false;
  const sendAll = db.transaction((batch: QueuedSend[]) => batch.map(({ msg }) => sendOne(msg)));

  const commitBatch = () => {
    const batch =
      queue.length > MAX_SENDS_PER_COMMIT ? queue.splice(0, MAX_SENDS_PER_COMMIT) : queue;
    if (batch === queue) queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = sendAll.immediate(batch).map((result) => ({ ok: true, result }));
    } catch {
      outcomes = batch.map(({ msg }): Outcome => {
        try {
          return { ok: true, result: send.immediate(msg) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) batch[i]!.resolve(outcome.result);
      else batch[i]!.reject(outcome.error);
    });
  };

  const onTurn = () => {
    commitBatch();
    if (queue.length > 0) setImmediate(onTurn);
    else scheduled = false;
  };

  return {
    sendMessage(msg) {
      return new Promise<SendResult>((resolve, reject) => {
        queue.push({ msg, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        setImmediate(onTurn);
      });
    },

    flushSends() {
      while (queue.length > 0) commitBatch();
    },

    async getMessage(id) {
      const row = byId.get(id);
      return row ? toMessage(row) : null;
    },

    async getMessageByClientId(senderId, clientMessageId) {
      const row = byClientId.get(senderId, clientMessageId);
      return row ? toMessage(row) : null;
    },

    async listMessages({ conversationId, beforeSeq, limit }) {
      return before.all(conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit).map(toMessage);
    },
  };
}
