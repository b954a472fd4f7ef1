import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { coversSeq } from '../membership.ts';
import { replyPreviewFor } from '../message-actions.ts';
import { sentFields, type MessageFields } from '../message-fields.ts';
import { ConversationRuleError, type MessageStore } from '../store.ts';
import type {
  MembershipChange,
  Message,
  NewMessage,
  ReplyPreview,
  SendResult,
  StoredEvent,
} from '../types.ts';
import { conversationSql } from './conversations.ts';
import type { ClaimAttachments } from './attachments.ts';
import { actionSql } from './actions.ts';
import type { AppendEvent } from './events.ts';
import { toOriginal, type Hydrate } from './hydrate.ts';
import type { Periods } from './periods.ts';
import { type ConversationRow, type MemberRow, type MessageRow } from './rows.ts';
import { pairKey } from '../direct.ts';
import { uuidv7 } from '../ids.ts';

export const messageSql = {
  byId: `SELECT * FROM messages WHERE id = ?`,
  byClientId: `SELECT * FROM messages WHERE sender_id = ? AND client_message_id = ?`,
  // A page on one side of a seq, within one membership period, without what the user hid.
  before: `
    SELECT * FROM messages AS m
    WHERE conversation_id = @conversationId AND seq < @from AND seq >= @bound
      AND NOT EXISTS (
        SELECT 1 FROM hidden_messages AS h
        WHERE h.user_id = @userId AND h.conversation_id = m.conversation_id AND h.seq = m.seq)
    ORDER BY seq DESC
    LIMIT @limit`,
  after: `
    SELECT * FROM messages AS m
    WHERE conversation_id = @conversationId AND seq > @from AND seq <= @bound
      AND NOT EXISTS (
        SELECT 1 FROM hidden_messages AS h
        WHERE h.user_id = @userId AND h.conversation_id = m.conversation_id AND h.seq = m.seq)
    ORDER BY seq
    LIMIT @limit`,
  insert: `
    INSERT INTO messages
      (id, conversation_id, seq, kind, sender_id, text, attachment_ids, attachments, mentions,
       system, client_message_id, created_at, reply_to_id, forwarded)
    VALUES
      (@id, @conversationId, @seq, @kind, @senderId, @text, @attachmentIds, @attachments,
       @mentions, @system, @clientMessageId, @createdAt, @replyToId, @forwarded)`,
  original: `SELECT * FROM messages WHERE id = ? AND conversation_id = ?`,
  insertMention: `INSERT INTO message_mentions (user_id, conversation_id, seq) VALUES (?, ?, ?)`,
  userExists: `SELECT 1 FROM users WHERE id = ?`,
  insertDirect: `
    INSERT INTO conversations (id, kind, pair_key, created_at, member_count)
    VALUES (?, 'direct', ?, ?, 2)
    RETURNING *`,
  insertMember: `
    INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
    VALUES (?, ?, ?, ?)`,
  touchConversation: `UPDATE conversations SET last_message_at = ?, last_seq = ? WHERE id = ?`,
  // The sender has seen their own message; but if they had not caught up with the messages
  // before it, moving them past those would mark unseen messages read.
  senderCaughtUp: `
    UPDATE conversation_members SET
      delivered_seq = CASE WHEN delivered_seq >= @previousSeq THEN @seq ELSE delivered_seq END,
      read_seq = CASE WHEN read_seq >= @previousSeq THEN @seq ELSE read_seq END
    WHERE conversation_id = @conversationId AND user_id = @userId`,
  // Usernames of current members, as ids (mentions name members only).
  memberIdsByUsername: `
    SELECT u.id FROM users AS u
    JOIN conversation_members AS m ON m.user_id = u.id
    WHERE m.conversation_id = ? AND m.left_at IS NULL
      AND u.username IN (SELECT value FROM json_each(?))`,
};

/**
 * Stores a message as the conversation's next and appends its `message.new` event; call it
 * inside a write transaction, with the conversation's row as it is now.
 */
export type WriteMessage = (
  conversation: ConversationRow,
  fields: MessageFields,
  opts?: {
    /** Who the message makes a member, or ends the membership of (a system message, a new pair). */
    members?: MembershipChange | undefined;
    /** Members it is withheld from: hidden for them, its event kept from them. */
    withheldFrom?: string[] | undefined;
  },
) => { message: Message; event: StoredEvent };

export function messageWriter(db: Database.Database, appendEvent: AppendEvent): WriteMessage {
  const insert = db.prepare(messageSql.insert);
  const insertMention = db.prepare<[string, string, number]>(messageSql.insertMention);
  const withhold = db.prepare<[string, string, number]>(actionSql.withhold);
  const touchConversation = db.prepare<[number, number, string]>(messageSql.touchConversation);
  const senderCaughtUp = db.prepare<
    [{ conversationId: string; userId: string; previousSeq: number; seq: number }]
  >(messageSql.senderCaughtUp);

  return (conversation, fields, opts = {}) => {
    const message: Message = {
      ...fields,
      conversationId: conversation.id,
      seq: conversation.last_seq + 1,
      editedAt: null,
      deletedAt: null,
      reactions: [],
      pinnedAt: null,
    };
    insert.run({
      id: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
      kind: message.kind,
      senderId: message.senderId,
      text: message.text,
      attachmentIds: JSON.stringify(message.attachmentIds),
      attachments: JSON.stringify(message.attachments),
      mentions: JSON.stringify(message.mentions),
      system: message.system === null ? null : JSON.stringify(message.system),
      clientMessageId: message.clientMessageId,
      createdAt: message.createdAt.getTime(),
      replyToId: message.replyTo?.messageId ?? null,
      forwarded: Number(message.forwarded),
    });
    for (const userId of message.mentions) insertMention.run(userId, conversation.id, message.seq);
    touchConversation.run(message.createdAt.getTime(), message.seq, conversation.id);
    senderCaughtUp.run({
      conversationId: conversation.id,
      userId: message.senderId,
      previousSeq: conversation.last_seq,
      seq: message.seq,
    });
    for (const userId of new Set(opts.withheldFrom))
      withhold.run(userId, conversation.id, message.seq);
    const event = appendEvent(
      { conversationId: conversation.id },
      { type: 'message.new', message },
      message.createdAt,
      { members: opts.members, except: opts.withheldFrom },
    );
    return { message, event };
  };
}

/** At most this many sends share one transaction; the rest wait for the next turn of the event loop. */
const MAX_SENDS_PER_COMMIT = 256;

interface QueuedSend {
  msg: NewMessage;
  resolve: (result: SendResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: SendResult } | { ok: false; error: unknown };

type PageParams = [
  { conversationId: string; userId: string; from: number; bound: number; limit: number },
];

export function messageMethods(
  db: Database.Database,
  deps: {
    writeMessage: WriteMessage;
    claimAttachments: ClaimAttachments;
    periods: Periods;
    hydrate: Hydrate;
  },
): MessageStore & { /** Commits every queued send now (before closing). */ flushSends(): void } {
  const { writeMessage, claimAttachments, periods, hydrate } = deps;
  const byId = db.prepare<[string], MessageRow>(messageSql.byId);
  const byClientId = db.prepare<[string, string], MessageRow>(messageSql.byClientId);
  const before = db.prepare<PageParams, MessageRow>(messageSql.before);
  const after = db.prepare<PageParams, MessageRow>(messageSql.after);
  const original = db.prepare<[string, string], MessageRow>(messageSql.original);
  const conversationById = db.prepare<[string], ConversationRow>(conversationSql.byId);
  const conversationByPairKey = db.prepare<[string], ConversationRow>(conversationSql.byPairKey);
  const member = db.prepare<[string, string], MemberRow>(conversationSql.member);
  const userExists = db.prepare<[string], number>(messageSql.userExists).pluck();
  const insertDirect = db.prepare<[string, string, number], ConversationRow>(
    messageSql.insertDirect,
  );
  const insertMember = db.prepare<[string, string, string, number]>(messageSql.insertMember);
  const memberIdsByUsername = db
    .prepare<[string, string], string>(messageSql.memberIdsByUsername)
    .pluck();

  /** The sender's conversation, checked; `opened` when this send creates the direct conversation. */
  const conversationOf = (msg: NewMessage): { row: ConversationRow; opened: string[] | null } => {
    if (msg.recipientId !== undefined) {
      const key = pairKey(msg.senderId, msg.recipientId);
      const existing = conversationByPairKey.get(key);
      if (existing) return { row: existing, opened: null };
      if (userExists.get(msg.recipientId) === undefined) {
        throw new ConversationRuleError('unknown_user', msg.recipientId);
      }
      const at = msg.createdAt.getTime();
      const row = insertDirect.get(randomUUID(), key, at)!;
      for (const userId of [msg.senderId, msg.recipientId])
        insertMember.run(row.id, userId, 'member', at);
      return { row, opened: [msg.senderId, msg.recipientId] };
    }
    const row = conversationById.get(msg.conversationId);
    const membership = row ? member.get(row.id, msg.senderId) : undefined;
    if (!row || !membership) throw new ConversationRuleError('not_found');
    if (membership.left_at !== null) throw new ConversationRuleError('not_member');
    return { row, opened: null };
  };

  /** The message a reply answers: in the same conversation, seen by the sender, not a system line. */
  const replyTarget = (msg: NewMessage, conversationId: string): ReplyPreview | null => {
    if (!msg.replyToId) return null;
    const target = original.get(msg.replyToId, conversationId);
    return replyPreviewFor(
      target ? toOriginal(target) : null,
      periods.ofMember(msg.senderId, conversationId),
    );
  };

  const sendOne = (msg: NewMessage): SendResult => {
    const existing = byClientId.get(msg.senderId, msg.clientMessageId);
    if (existing) return { message: hydrate([existing])[0]!, created: false, events: [] };

    const { row, opened } = conversationOf(msg);
    const replyTo = replyTarget(msg, row.id);
    const id = uuidv7(msg.createdAt.getTime());
    const attachments = claimAttachments({
      ids: msg.attachmentIds,
      ownerId: msg.senderId,
      messageId: id,
      conversationId: row.id,
    });
    const mentions =
      row.kind === 'group' && msg.mentionUsernames.length > 0
        ? memberIdsByUsername
            .all(row.id, JSON.stringify(msg.mentionUsernames))
            .filter((userId) => userId !== msg.senderId)
        : [];
    const { message, event } = writeMessage(
      row,
      sentFields(msg, { id, attachments, mentions, replyTo }),
      {
        members: opened ? { joined: opened, left: [] } : undefined,
        withheldFrom: msg.withheldFrom,
      },
    );
    for (const userId of opened ?? [])
      periods.open(userId, row.id, { eventId: event.id, seq: message.seq });
    return { message, created: true, events: [event] };
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

  /** Up to `limit` messages the user may see on one side of `from`, walking their periods. */
  const visible = (
    opts: { conversationId: string; userId: string; limit: number },
    direction: 'before' | 'after',
    from: number,
  ): Message[] => {
    const { conversationId, userId } = opts;
    const spans = periods.ofMember(userId, conversationId);
    if (direction === 'before') spans.reverse();
    const rows: MessageRow[] = [];
    for (const span of spans) {
      const limit = opts.limit - rows.length;
      if (limit <= 0) break;
      const to = span.toSeq ?? Number.MAX_SAFE_INTEGER;
      if (direction === 'before') {
        const page = { from: Math.min(from, to + 1), bound: span.fromSeq };
        rows.push(...before.all({ conversationId, userId, ...page, limit }));
      } else {
        const page = { from: Math.max(from, span.fromSeq - 1), bound: to };
        rows.push(...after.all({ conversationId, userId, ...page, limit }));
      }
    }
    if (direction === 'before') rows.reverse();
    return hydrate(rows);
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
      return row ? hydrate([row])[0]! : null;
    },

    async getMessageByClientId(senderId, clientMessageId) {
      const row = byClientId.get(senderId, clientMessageId);
      return row ? hydrate([row])[0]! : null;
    },

    async listMessages({ conversationId, userId, beforeSeq, afterSeq, limit }) {
      const opts = { conversationId, userId, limit };
      if (afterSeq !== null && afterSeq !== undefined) return visible(opts, 'after', afterSeq);
      return visible(opts, 'before', beforeSeq ?? Number.MAX_SAFE_INTEGER);
    },

    async canSeeMessage(userId, conversationId, seq) {
      return coversSeq(periods.ofMember(userId, conversationId), seq);
    },
  };
}
