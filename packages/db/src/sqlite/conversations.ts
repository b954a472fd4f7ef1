import type Database from 'better-sqlite3-multiple-ciphers';
import type { ConversationStore } from '../store.ts';
import type { ConversationSummary, ReceiptMarks } from '../types.ts';
import type { Hydrate } from './hydrate.ts';
import type { Periods } from './periods.ts';
import {
  toConversation,
  toMembership,
  toSettings,
  type SettingsColumns,
  type ConversationRow,
  type MemberRow,
  type MessageRow,
} from './rows.ts';
import { pairKey } from '../direct.ts';

type SummaryRow = ConversationRow &
  MemberRow &
  SettingsColumns & { activity_at: number; pin_key: number };

const ROLE_RANK = `CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END`;
const ACTIVITY = `CASE WHEN m.left_at IS NULL THEN coalesce(c.last_message_at, c.created_at) ELSE m.left_at END`;
/** Pinned conversations first (most recently pinned first), then the others (0). */
const PIN_KEY = `coalesce(s.pinned_at, 0)`;
const SUMMARY = `
    SELECT c.*, m.*, ${ACTIVITY} AS activity_at, ${PIN_KEY} AS pin_key,
      s.muted_until, s.pinned_at, s.archived_at, s.marked_unread
    FROM conversation_members AS m
    JOIN conversations AS c ON c.id = m.conversation_id
    LEFT JOIN conversation_settings AS s
      ON s.user_id = m.user_id AND s.conversation_id = m.conversation_id`;

export const conversationSql = {
  byId: `SELECT * FROM conversations WHERE id = ?`,
  byPairKey: `SELECT * FROM conversations WHERE pair_key = ?`,
  member: `SELECT * FROM conversation_members WHERE conversation_id = ? AND user_id = ?`,
  members: `
    SELECT user_id, role, joined_at, ${ROLE_RANK} AS rank FROM conversation_members
    WHERE conversation_id = @conversationId AND left_at IS NULL
      AND (${ROLE_RANK}, joined_at, user_id) > (@rank, @joinedAt, @userId)
    ORDER BY rank, joined_at, user_id
    LIMIT @limit`,
  peer: `SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id <> ?`,
  lastVisible: `
    SELECT * FROM messages AS m
    WHERE conversation_id = @conversationId AND seq <= @upTo
      AND NOT EXISTS (
        SELECT 1 FROM hidden_messages AS h
        WHERE h.user_id = @userId AND h.conversation_id = m.conversation_id AND h.seq = m.seq)
    ORDER BY seq DESC LIMIT 1`,
  unread: `
    SELECT count(*) FROM messages AS m
    WHERE conversation_id = @conversationId AND seq > @readSeq AND seq <= @upTo
      AND sender_id <> @userId AND kind = 'text' AND deleted_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM hidden_messages AS h
        WHERE h.user_id = @userId AND h.conversation_id = m.conversation_id AND h.seq = m.seq)`,
  mentions: `
    SELECT count(*) FROM message_mentions AS x
    WHERE user_id = ? AND conversation_id = ? AND seq > ? AND seq <= ?
      AND NOT EXISTS (
        SELECT 1 FROM hidden_messages AS h
        WHERE h.user_id = x.user_id AND h.conversation_id = x.conversation_id AND h.seq = x.seq)`,
  peerIds: `
    SELECT DISTINCT peer.user_id FROM conversation_members AS mine
    JOIN conversations AS c ON c.id = mine.conversation_id AND c.member_count <= @max
    JOIN conversation_members AS peer ON peer.conversation_id = mine.conversation_id
      AND peer.left_at IS NULL
    WHERE mine.user_id = @userId AND mine.left_at IS NULL AND peer.user_id <> @userId`,
  conversationIds: `
    SELECT c.id FROM conversation_members AS m
    JOIN conversations AS c ON c.id = m.conversation_id AND c.member_count <= @max
    WHERE m.user_id = @userId AND m.left_at IS NULL`,
  page: `${SUMMARY}
    WHERE m.user_id = @userId AND (${PIN_KEY}, ${ACTIVITY}, c.id) < (@beforePin, @beforeAt, @beforeId)
    ORDER BY pin_key DESC, activity_at DESC, c.id DESC
    LIMIT @limit`,
  one: `${SUMMARY}
    WHERE m.user_id = ? AND m.conversation_id = ?`,
  publicGroups: `
    SELECT c.*, EXISTS (
      SELECT 1 FROM conversation_members AS m
      WHERE m.conversation_id = c.id AND m.user_id = @userId AND m.left_at IS NULL
    ) AS is_member
    FROM conversations AS c INDEXED BY conversations_public
    WHERE c.is_public = 1 AND c.closed_at IS NULL
      AND (@query = '' OR c.title LIKE @prefix ESCAPE '\\' OR c.title LIKE @wordPrefix ESCAPE '\\')
      AND (c.member_count, c.id) < (@beforeCount, @beforeId)
    ORDER BY c.member_count DESC, c.id DESC
    LIMIT @limit`,
};

export function conversationMethods(
  db: Database.Database,
  deps: {
    periods: Periods;
    currentMarks: (conversationId: string) => ReceiptMarks;
    hydrate: Hydrate;
  },
): ConversationStore & {
  /** The user's unread and mention counts after `readSeq` (up to `toSeq`, when they left). */
  counts(
    userId: string,
    conversationId: string,
    readSeq: number,
    toSeq?: number,
  ): { unread: number; mentions: number };
} {
  const { periods, currentMarks, hydrate } = deps;
  const byId = db.prepare<[string], ConversationRow>(conversationSql.byId);
  const byPairKey = db.prepare<[string], ConversationRow>(conversationSql.byPairKey);
  const member = db.prepare<[string, string], MemberRow>(conversationSql.member);
  const members = db.prepare<
    [{ conversationId: string; rank: number; joinedAt: number; userId: string; limit: number }],
    { user_id: string; role: MemberRow['role']; joined_at: number; rank: number }
  >(conversationSql.members);
  const peer = db.prepare<[string, string], string>(conversationSql.peer).pluck();
  const lastVisible = db.prepare<
    [{ conversationId: string; upTo: number; userId: string }],
    MessageRow
  >(conversationSql.lastVisible);
  const unread = db
    .prepare<[{ conversationId: string; readSeq: number; upTo: number; userId: string }], number>(
      conversationSql.unread,
    )
    .pluck();
  const mentions = db
    .prepare<[string, string, number, number], number>(conversationSql.mentions)
    .pluck();
  const peerIds = db
    .prepare<[{ userId: string; max: number }], string>(conversationSql.peerIds)
    .pluck();
  const conversationIds = db
    .prepare<[{ userId: string; max: number }], string>(conversationSql.conversationIds)
    .pluck();
  const page = db.prepare<
    [{ userId: string; beforePin: number; beforeAt: number; beforeId: string; limit: number }],
    SummaryRow
  >(conversationSql.page);
  const one = db.prepare<[string, string], SummaryRow>(conversationSql.one);
  const publicGroups = db.prepare<
    [
      {
        userId: string;
        query: string;
        prefix: string;
        wordPrefix: string;
        beforeCount: number;
        beforeId: string;
        limit: number;
      },
    ],
    ConversationRow & { is_member: number }
  >(conversationSql.publicGroups);

  const counts = (userId: string, conversationId: string, readSeq: number, toSeq?: number) => {
    const upTo = toSeq ?? Number.MAX_SAFE_INTEGER;
    return {
      unread: unread.get({ conversationId, readSeq, upTo, userId }) ?? 0,
      mentions: mentions.get(userId, conversationId, readSeq, upTo) ?? 0,
    };
  };

  const summarize = (row: SummaryRow): ConversationSummary => {
    const conversation = toConversation(row);
    const membership = toMembership(row);
    // A former member sees the conversation as it was when they left.
    const toSeq =
      membership.leftAt === null
        ? undefined
        : (periods.ofMember(row.user_id, row.conversation_id).at(-1)?.toSeq ?? 0);
    const last = lastVisible.get({
      conversationId: row.conversation_id,
      upTo: toSeq ?? row.last_seq,
      userId: row.user_id,
    });
    const { unread: unreadCount, mentions: mentionCount } = counts(
      row.user_id,
      row.conversation_id,
      row.read_seq,
      toSeq,
    );
    return {
      conversation,
      membership,
      peerId: row.kind === 'direct' ? (peer.get(row.conversation_id, row.user_id) ?? null) : null,
      lastMessage: last ? hydrate([last])[0]! : null,
      unreadCount,
      mentionCount,
      receipts: currentMarks(row.conversation_id),
      settings: toSettings(row),
    };
  };

  return {
    counts,

    async findDirectConversation(a, b) {
      const row = byPairKey.get(pairKey(a, b));
      return row ? toConversation(row) : null;
    },

    async getConversation(id) {
      const row = byId.get(id);
      return row ? toConversation(row) : null;
    },

    async getMembership(conversationId, userId) {
      const row = member.get(conversationId, userId);
      return row ? toMembership(row) : null;
    },

    async listMembers({ conversationId, limit, cursor }) {
      const after = cursor ? decodeMemberCursor(cursor) : { rank: -1, joinedAt: 0, userId: '' };
      if (!after) return { items: [], nextCursor: null };
      const rows = members.all({ conversationId, ...after, limit: limit + 1 });
      const items = rows.slice(0, limit).map((row) => ({
        userId: row.user_id,
        role: row.role,
        joinedAt: new Date(row.joined_at),
      }));
      const last = rows[limit - 1];
      return {
        items,
        nextCursor:
          rows.length > limit && last ? `${last.rank}:${last.joined_at}:${last.user_id}` : null,
      };
    },

    async listPeerIds(userId, maxMembers) {
      return peerIds.all({ userId, max: maxMembers });
    },

    async listConversationIds(userId, maxMembers) {
      return conversationIds.all({ userId, max: maxMembers });
    },

    async listConversations({ userId, limit, cursor }) {
      const max = Number.MAX_SAFE_INTEGER;
      const before = cursor ? decodeListCursor(cursor) : { pin: max, at: max, id: '' };
      if (!before) return { items: [], nextCursor: null };
      const rows = page.all({
        userId,
        beforePin: before.pin,
        beforeAt: before.at,
        beforeId: before.id,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map(summarize);
      const last = rows[limit - 1];
      return {
        items,
        nextCursor:
          rows.length > limit && last ? `${last.pin_key}:${last.activity_at}:${last.id}` : null,
      };
    },

    async getConversationSummary(userId, conversationId) {
      const row = one.get(userId, conversationId);
      return row ? summarize(row) : null;
    },

    async listPublicGroups({ userId, query, limit, cursor }) {
      const before = cursor ? decodeCursor(cursor) : { at: Number.MAX_SAFE_INTEGER, id: '\uffff' };
      if (!before) return { items: [], nextCursor: null };
      const escaped = escapeLike(query.toLowerCase());
      const rows = publicGroups.all({
        userId,
        query,
        prefix: `${escaped}%`,
        wordPrefix: `% ${escaped}%`,
        beforeCount: before.at,
        beforeId: before.id,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map((row) => ({
        conversation: toConversation(row),
        isMember: row.is_member === 1,
      }));
      const last = rows[limit - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? `${last.member_count}:${last.id}` : null,
      };
    },

    async listMembershipPeriods(userId) {
      return periods.ofUser(userId);
    },
  };
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

// A cursor this store did not issue points nowhere: the caller gets an empty page.
function decodeCursor(cursor: string): { at: number; id: string } | null {
  const match = /^(\d+):(.+)$/.exec(cursor);
  if (!match?.[1] || !match[2]) return null;
  return { at: Number(match[1]), id: match[2] };
}

function decodeListCursor(cursor: string): { pin: number; at: number; id: string } | null {
  const match = /^(\d+):(\d+):(.+)$/.exec(cursor);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { pin: Number(match[1]), at: Number(match[2]), id: match[3] };
}

function decodeMemberCursor(
  cursor: string,
): { rank: number; joinedAt: number; userId: string } | null {
  const match = /^(\d):(\d+):(.+)$/.exec(cursor);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { rank: Number(match[1]), joinedAt: Number(match[2]), userId: match[3] };
}
