import type Database from 'better-sqlite3-multiple-ciphers';
import { NOTHING_READ } from '../privacy.ts';
import { ConversationRuleError, type ReceiptStore } from '../store.ts';
import type {
  ReceiptInput,
  ReceiptMark,
  ReceiptMarks,
  ReceiptResult,
  StoredEvent,
} from '../types.ts';
import { conversationSql } from './conversations.ts';
import type { AppendEvent } from './events.ts';
import { toMembership, type MemberRow } from './rows.ts';
import type { ClearUnread } from './settings.ts';

export const receiptSql = {
  lastSeq: `SELECT last_seq FROM conversations WHERE id = ?`,
  delivered: `
    UPDATE conversation_members SET delivered_seq = @seq
    WHERE conversation_id = @conversationId AND user_id = @userId
    RETURNING *`,
  read: `
    UPDATE conversation_members SET read_seq = @seq, delivered_seq = max(delivered_seq, @seq)
    WHERE conversation_id = @conversationId AND user_id = @userId
    RETURNING *`,
  log: `
    INSERT OR IGNORE INTO receipt_log (conversation_id, up_to_seq, user_id, kind, at)
    VALUES (?, ?, ?, ?, ?)`,
  lowestDelivered: `
    SELECT user_id, delivered_seq AS seq FROM conversation_members INDEXED BY members_delivered
    WHERE conversation_id = ? AND left_at IS NULL
    ORDER BY delivered_seq, user_id
    LIMIT 2`,
  lowestRead: `
    SELECT user_id, read_seq AS seq FROM conversation_members INDEXED BY members_read
    WHERE conversation_id = ? AND left_at IS NULL
    ORDER BY read_seq, user_id
    LIMIT 2`,
  storedMarks: `SELECT receipt_marks FROM conversations WHERE id = ?`,
  storeMarks: `UPDATE conversations SET receipt_marks = ? WHERE id = ?`,
  // Members who could see the message (their current period began at or before it).
  audience: `
    SELECT m.user_id FROM conversation_members AS m
    JOIN member_periods AS p ON p.user_id = m.user_id AND p.conversation_id = m.conversation_id
      AND p.to_event IS NULL
    WHERE m.conversation_id = @conversationId AND m.left_at IS NULL
      AND m.user_id <> @senderId AND p.from_seq <= @seq
    ORDER BY m.user_id`,
  // A direct conversation where a member turned read receipts off shows nobody's reads.
  receiptsOff: `
    SELECT 1 FROM conversations AS c
    JOIN conversation_members AS m ON m.conversation_id = c.id
    JOIN users AS u ON u.id = m.user_id
    WHERE c.id = ? AND c.kind = 'direct' AND u.read_receipts = 0
    LIMIT 1`,
  withheldFrom: `
    SELECT user_id FROM hidden_messages WHERE conversation_id = ? AND seq = ? AND withheld = 1`,
  firstReceipts: `
    SELECT user_id, kind, min(at) AS at FROM receipt_log
    WHERE conversation_id = ? AND up_to_seq >= ?
    GROUP BY user_id, kind`,
};

type Receipt = 'delivered' | 'read';

/**
 * The conversation's marks as they are now, and, when they differ from the ones last announced,
 * a `receipts` event announcing them; call it inside the write transaction that moved them.
 */
export type RefreshMarks = (conversationId: string, at: Date) => StoredEvent | null;

export function marksMethods(db: Database.Database, appendEvent: AppendEvent) {
  type Lowest = { user_id: string; seq: number };
  const lowestDelivered = db.prepare<[string], Lowest>(receiptSql.lowestDelivered);
  const lowestRead = db.prepare<[string], Lowest>(receiptSql.lowestRead);
  const storedMarks = db.prepare<[string], string | null>(receiptSql.storedMarks).pluck();
  const storeMarks = db.prepare<[string, string]>(receiptSql.storeMarks);
  const receiptsOff = db.prepare<[string], number>(receiptSql.receiptsOff).pluck();

  const currentMarks = (conversationId: string): ReceiptMarks => ({
    delivered: toMark(lowestDelivered.all(conversationId)),
    read:
      receiptsOff.get(conversationId) === undefined
        ? toMark(lowestRead.all(conversationId))
        : { ...NOTHING_READ },
  });

  const refreshMarks: RefreshMarks = (conversationId, at) => {
    const marks = currentMarks(conversationId);
    const json = JSON.stringify(marks);
    if (storedMarks.get(conversationId) === json) return null;
    storeMarks.run(json, conversationId);
    return appendEvent({ conversationId }, { type: 'receipts', conversationId, marks }, at);
  };

  return { currentMarks, refreshMarks };
}

function toMark(rows: { user_id: string; seq: number }[]): ReceiptMark {
  const [first, second] = rows;
  if (!first) return { lowest: 0, lowestUserId: null, nextLowest: null };
  if (!second) return { lowest: first.seq, lowestUserId: first.user_id, nextLowest: null };
  return {
    lowest: first.seq,
    lowestUserId: second.seq === first.seq ? null : first.user_id,
    nextLowest: second.seq,
  };
}

export function receiptMethods(
  db: Database.Database,
  deps: {
    appendEvent: AppendEvent;
    refreshMarks: RefreshMarks;
    clearUnread: ClearUnread;
    /** The user's unread and mention counts in the conversation after `readSeq`. */
    counts: (
      userId: string,
      conversationId: string,
      readSeq: number,
    ) => { unread: number; mentions: number };
  },
): ReceiptStore {
  const { appendEvent, refreshMarks, clearUnread, counts } = deps;
  const member = db.prepare<[string, string], MemberRow>(conversationSql.member);
  const lastSeq = db.prepare<[string], number>(receiptSql.lastSeq).pluck();
  type Move = [{ conversationId: string; userId: string; seq: number }];
  const moves = {
    delivered: db.prepare<Move, MemberRow>(receiptSql.delivered),
    read: db.prepare<Move, MemberRow>(receiptSql.read),
  };
  const log = db.prepare<[string, number, string, Receipt, number]>(receiptSql.log);
  const audience = db
    .prepare<[{ conversationId: string; senderId: string; seq: number }], string>(
      receiptSql.audience,
    )
    .pluck();
  const firstReceipts = db.prepare<
    [string, number],
    { user_id: string; kind: Receipt; at: number }
  >(receiptSql.firstReceipts);
  const withheldFrom = db.prepare<[string, number], string>(receiptSql.withheldFrom).pluck();

  // Moves one position forward (clamped to the last message), logs when, and announces what changed.
  const receipt = (kind: Receipt) =>
    db.transaction(({ conversationId, userId, upToSeq, at }: ReceiptInput): ReceiptResult => {
      const before = member.get(conversationId, userId);
      if (!before) throw new ConversationRuleError('not_found');
      if (before.left_at !== null) throw new ConversationRuleError('not_member');
      const seq = Math.min(upToSeq, lastSeq.get(conversationId) ?? 0);
      const current = kind === 'read' ? before.read_seq : before.delivered_seq;
      // Reading clears "marked unread", even when there was nothing new to read.
      const cleared = kind === 'read' ? clearUnread(userId, conversationId, at) : null;
      const events: StoredEvent[] = cleared ? [cleared] : [];
      if (seq <= current) return { advanced: false, membership: toMembership(before), events };

      const after = moves[kind].get({ conversationId, userId, seq })!;
      log.run(conversationId, seq, userId, kind, at.getTime());
      const marks = refreshMarks(conversationId, at);
      if (marks) events.push(marks);
      if (kind === 'read') {
        const { unread, mentions } = counts(userId, conversationId, seq);
        events.push(
          appendEvent(
            { userId },
            {
              type: 'conversation.read',
              conversationId,
              readSeq: seq,
              unreadCount: unread,
              mentionCount: mentions,
            },
            at,
          ),
        );
      }
      return { advanced: true, membership: toMembership(after), events };
    });
  const delivered = receipt('delivered');
  const read = receipt('read');

  return {
    async markDelivered(input) {
      return delivered.immediate(input);
    },

    async markRead(input) {
      return read.immediate(input);
    },

    async listMessageReceipts({ conversationId, seq, senderId }) {
      const first = new Map<string, { delivered?: number; read?: number }>();
      const withheld = new Set(withheldFrom.all(conversationId, seq));
      for (const row of firstReceipts.all(conversationId, seq)) {
        if (withheld.has(row.user_id)) continue;
        const entry = first.get(row.user_id) ?? {};
        entry[row.kind] = row.at;
        first.set(row.user_id, entry);
      }
      return audience.all({ conversationId, senderId, seq }).map((userId) => {
        const { delivered, read } = first.get(userId) ?? {};
        const had = [delivered, read].filter((t) => t !== undefined);
        return {
          userId,
          deliveredAt: had.length > 0 ? new Date(Math.min(...had)) : null,
          readAt: read === undefined ? null : new Date(read),
        };
      });
    },
  };
}
