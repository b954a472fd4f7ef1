import type Database from 'better-sqlite3';
import type { ConversationStore } from '../store.ts';
import type { ConversationSummary } from '../types.ts';
import {
  toConversation,
  toMemberState,
  toMessage,
  type ConversationRow,
  type MemberRow,
  type MessageRow,
} from './rows.ts';
import { pairKey } from '../direct.ts';

interface SummaryRow extends ConversationRow {
  unread_count: number;
}

export const conversationSql = {
  byId: `SELECT * FROM conversations WHERE id = ?`,
  byPairKey: `SELECT * FROM conversations WHERE pair_key = ?`,
  members: `
    SELECT user_id, delivered_seq, read_seq FROM conversation_members
    WHERE conversation_id = ?
    ORDER BY user_id`,
  messageAt: `SELECT * FROM messages WHERE conversation_id = ? AND seq = ?`,
  peerIds: `
    SELECT DISTINCT peer.user_id FROM conversation_members AS mine
    JOIN conversation_members AS peer ON peer.conversation_id = mine.conversation_id
    WHERE mine.user_id = @userId AND peer.user_id <> @userId`,
  page: `
    SELECT c.*, (
      SELECT count(*) FROM messages
      WHERE conversation_id = c.id AND seq > m.read_seq AND sender_id <> m.user_id
    ) AS unread_count
    FROM conversation_members AS m
    JOIN conversations AS c ON c.id = m.conversation_id
    WHERE m.user_id = @userId AND (c.last_message_at, c.id) < (@beforeAt, @beforeId)
    ORDER BY c.last_message_at DESC, c.id DESC
    LIMIT @limit`,
};

export function conversationMethods(db: Database.Database): ConversationStore {
  const byId = db.prepare<[string], ConversationRow>(conversationSql.byId);
  const byPairKey = db.prepare<[string], ConversationRow>(conversationSql.byPairKey);
  const members = db.prepare<[string], MemberRow>(conversationSql.members);
  const messageAt = db.prepare<[string, number], MessageRow>(conversationSql.messageAt);
  const peerIds = db.prepare<[{ userId: string }], string>(conversationSql.peerIds).pluck();
  const page = db.prepare<
    [{ userId: string; beforeAt: number; beforeId: string; limit: number }],
    SummaryRow
  >(conversationSql.page);

  const memberIds = (conversationId: string) =>
    members.all(conversationId).map((member) => member.user_id);

  const summarize = (row: SummaryRow): ConversationSummary => {
    const states = members.all(row.id).map(toMemberState);
    const ids = states.map((state) => state.userId);
    const lastMessage = messageAt.get(row.id, row.last_seq);
    return {
      conversation: toConversation(row, ids),
      members: states,
      lastMessage: lastMessage ? toMessage(lastMessage) : null,
      unreadCount: row.unread_count,
    };
  };

  return {
    async findDirectConversation(a, b) {
      const row = byPairKey.get(pairKey(a, b));
      return row ? toConversation(row, memberIds(row.id)) : null;
    },

    async getConversation(id) {
      const row = byId.get(id);
      return row ? toConversation(row, memberIds(row.id)) : null;
    },

    async listPeerIds(userId) {
      return peerIds.all({ userId });
    },

    async listConversations({ userId, limit, cursor }) {
      const before = cursor ? decodeCursor(cursor) : { at: Number.MAX_SAFE_INTEGER, id: '' };
      if (!before) return { items: [], nextCursor: null };
      const rows = page.all({ userId, beforeAt: before.at, beforeId: before.id, limit: limit + 1 });
      const items = rows.slice(0, limit).map(summarize);
      const last = rows[limit - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },
  };
}

function encodeCursor(row: ConversationRow): string {
  return `${row.last_message_at ?? 0}:${row.id}`;
}

// A cursor this store did not issue points nowhere: the caller gets an empty page.
function decodeCursor(cursor: string): { at: number; id: string } | null {
  const match = /^(\d+):(.+)$/.exec(cursor);
  if (!match?.[1] || !match[2]) return null;
  return { at: Number(match[1]), id: match[2] };
}
