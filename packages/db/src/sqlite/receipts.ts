import type Database from 'better-sqlite3';
import type { ReceiptStore } from '../store.ts';
import type { ReceiptInput, ReceiptResult } from '../types.ts';
import type { AppendEvents } from './events.ts';
import { toMemberState, type MemberRow } from './rows.ts';

export const receiptSql = {
  member: `
    SELECT user_id, delivered_seq, read_seq FROM conversation_members
    WHERE conversation_id = ? AND user_id = ?`,
  memberIds: `SELECT user_id FROM conversation_members WHERE conversation_id = ?`,
  lastSeq: `SELECT last_seq FROM conversations WHERE id = ?`,
  messageIdAt: `SELECT id FROM messages WHERE conversation_id = ? AND seq = ?`,
  delivered: `
    UPDATE conversation_members SET delivered_seq = @seq
    WHERE conversation_id = @conversationId AND user_id = @userId
    RETURNING user_id, delivered_seq, read_seq`,
  read: `
    UPDATE conversation_members SET read_seq = @seq, delivered_seq = max(delivered_seq, @seq)
    WHERE conversation_id = @conversationId AND user_id = @userId
    RETURNING user_id, delivered_seq, read_seq`,
};

type Receipt = 'delivered' | 'read';

export function receiptMethods(db: Database.Database, appendEvents: AppendEvents): ReceiptStore {
  const member = db.prepare<[string, string], MemberRow>(receiptSql.member);
  const memberIds = db.prepare<[string], string>(receiptSql.memberIds).pluck();
  const lastSeq = db.prepare<[string], number>(receiptSql.lastSeq).pluck();
  const messageIdAt = db.prepare<[string, number], string>(receiptSql.messageIdAt).pluck();
  type Move = [{ conversationId: string; userId: string; seq: number }];
  const moves = {
    delivered: db.prepare<Move, MemberRow>(receiptSql.delivered),
    read: db.prepare<Move, MemberRow>(receiptSql.read),
  };

  // Moves one position forward (clamped to the last message) and tells the members.
  const receipt = (kind: Receipt) =>
    db.transaction(({ conversationId, userId, upToSeq, at }: ReceiptInput): ReceiptResult => {
      const before = member.get(conversationId, userId);
      if (!before) throw new Error(`user ${userId} is not in conversation ${conversationId}`);
      const seq = Math.min(upToSeq, lastSeq.get(conversationId) ?? 0);
      const current = kind === 'read' ? before.read_seq : before.delivered_seq;
      if (seq <= current) return { advanced: false, state: toMemberState(before), events: [] };

      const after = moves[kind].get({ conversationId, userId, seq })!;
      const data = {
        type: kind === 'read' ? ('message.read' as const) : ('message.delivered' as const),
        conversationId,
        userId,
        upToSeq: seq,
        upToMessageId: messageIdAt.get(conversationId, seq)!,
      };
      const recipients = memberIds
        .all(conversationId)
        .filter((id) => kind === 'read' || id !== userId);
      const events = appendEvents(recipients, data, at);
      return { advanced: true, state: toMemberState(after), events };
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
  };
}
