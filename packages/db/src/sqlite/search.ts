import type Database from 'better-sqlite3-multiple-ciphers';
import {
  MIN_PREFIX_LENGTH,
  parseSearch,
  SEARCH_CANDIDATES,
  searchPage,
  type SearchQuery,
} from '../search.ts';
import type { SearchStore } from '../store.ts';
import type { Hydrate } from './hydrate.ts';
import type { MessageRow } from './rows.ts';

export const searchSql = {
  // The newest matches the user may read: within a membership period, not hidden by them (a
  // deleted message has no words left). The match names the user's conversations itself, so
  // the index never walks the matches of everybody else's.
  candidates: `
    SELECT m.id, m.text, m.created_at FROM message_search AS s
    JOIN messages AS m ON m.rowid = s.rowid
    WHERE message_search MATCH @match
      AND EXISTS (
        SELECT 1 FROM member_periods AS p
        WHERE p.user_id = @userId AND p.conversation_id = m.conversation_id
          AND p.from_seq <= m.seq AND (p.to_seq IS NULL OR p.to_seq >= m.seq))
      AND NOT EXISTS (
        SELECT 1 FROM hidden_messages AS h
        WHERE h.user_id = @userId AND h.conversation_id = m.conversation_id AND h.seq = m.seq)
    ORDER BY s.rowid DESC
    LIMIT @limit`,
  conversations: `SELECT DISTINCT conversation_id FROM member_periods WHERE user_id = ?`,
  byIds: `SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?))`,
};

/** A conversation as the index holds it: one token. */
export function conversationToken(conversationId: string): string {
  return `c${Buffer.from(conversationId).toString('hex')}`;
}

/**
 * The FTS5 query: every word in the text, and the prefix by its first MIN_PREFIX_LENGTH
 * characters (the length the index keeps prefixes of; `rankCandidates` checks the rest, and a
 * shorter prefix), in one of the conversations. Words are letters, digits and marks only:
 * quoting is enough.
 */
export function matchExpression(query: SearchQuery, conversationIds: string[]): string {
  const terms = query.words.map((word) => `"${word}"`);
  if (query.prefix !== null && Array.from(query.prefix).length >= MIN_PREFIX_LENGTH)
    terms.push(`"${Array.from(query.prefix).slice(0, MIN_PREFIX_LENGTH).join('')}"*`);
  const conversations = conversationIds.map((id) => `"${conversationToken(id)}"`);
  return `text : (${terms.join(' AND ')}) AND conv : (${conversations.join(' OR ')})`;
}

export function searchMethods(db: Database.Database, hydrate: Hydrate): SearchStore {
  const candidates = db.prepare<
    [{ match: string; userId: string; limit: number }],
    Pick<MessageRow, 'id' | 'text' | 'created_at'>
  >(searchSql.candidates);
  const conversations = db.prepare<[string], string>(searchSql.conversations).pluck();
  const byIds = db.prepare<[string], MessageRow>(searchSql.byIds);

  return {
    async searchMessages({ userId, query: text, conversationId, limit, cursor }) {
      const query = parseSearch(text);
      const mine = conversations.all(userId);
      const within = conversationId ? mine.filter((id) => id === conversationId) : mine;
      if (!query || within.length === 0) return { items: [], nextCursor: null };
      const rows = candidates.all({
        match: matchExpression(query, within),
        userId,
        limit: SEARCH_CANDIDATES,
      });
      return searchPage({
        candidates: rows.map((r) => ({
          id: r.id,
          text: r.text,
          createdAt: new Date(r.created_at),
        })),
        query,
        cursor,
        limit,
        load: async (ids) => hydrate(byIds.all(JSON.stringify(ids))),
      });
    },
  };
}
