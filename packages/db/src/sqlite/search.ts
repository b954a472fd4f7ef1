import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { foldedWords, parseSearch, searchPage, type SearchQuery } from '../search.ts';
import type { SearchStore } from '../store.ts';
import type { Hydrate } from './hydrate.ts';
import type { MessageRow } from './rows.ts';

export const searchSql = {
  // The newest matches older than @before (a rowid) that the user may read: within a membership
  // period, not hidden by them (a deleted message has no words left). The match names the
  // user's conversations itself, so the index never walks the matches of everybody else's.
  candidates: `
    SELECT m.rowid, m.id, m.text, m.created_at FROM message_search AS s
    JOIN messages AS m ON m.rowid = s.rowid
    WHERE message_search MATCH @match AND s.rowid < @before
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

/**
 * The index holds each word as a term of its conversation: a fixed-length tag of the
 * conversation, then the word. A search looks only at the terms of the conversations it names,
 * so its cost follows the size of those conversations, never the matches in everybody else's
 * (with one shared term per word, the index walked every message holding the word to find the
 * few in mine). A tag is 64 bits of a hash: a collision would only cost time, as every
 * candidate's membership and words are checked.
 */
export function conversationTag(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 16);
}

/** What the index keeps of a message: each distinct word once, as a term of its conversation. */
export function indexTerms(conversationId: string, text: string): string {
  const tag = conversationTag(conversationId);
  return Array.from(new Set(foldedWords(text)), (word) => tag + word).join(' ');
}

/**
 * `search_terms(conversation_id, text)`, which the index's triggers call: registered on every
 * connection that writes messages (a connection without it cannot insert a message).
 */
export function registerSearchTerms(db: Database.Database): void {
  db.function('search_terms', { deterministic: true }, (conversationId, text) =>
    indexTerms(String(conversationId), String(text)),
  );
}

/**
 * The FTS5 query: in each conversation, every word of the text and a word starting with the
 * prefix. Even a prefix of one letter is cheap here, as it only looks at the terms of the
 * conversations named. Terms are letters and digits after the tag: quoting is enough.
 */
export function matchExpression(query: SearchQuery, conversationIds: string[]): string {
  return conversationIds
    .map((id) => {
      const tag = conversationTag(id);
      const terms = query.words.map((word) => `"${tag}${word}"`);
      if (query.prefix !== null) terms.push(`"${tag}${query.prefix}"*`);
      return `(${terms.join(' AND ')})`;
    })
    .join(' OR ');
}

/** A page's cursor: the rowid of the last message shown (messages are numbered as they come). */
const CURSOR = /^r:(\d{1,16})$/;

export function searchMethods(db: Database.Database, hydrate: Hydrate): SearchStore {
  const candidates = db.prepare<
    [{ match: string; userId: string; before: number; limit: number }],
    Pick<MessageRow, 'id' | 'text' | 'created_at'> & { rowid: number }
  >(searchSql.candidates);
  const conversations = db.prepare<[string], string>(searchSql.conversations).pluck();
  const byIds = db.prepare<[string], MessageRow>(searchSql.byIds);

  return {
    async searchMessages({ userId, query: text, conversationId, limit, cursor }) {
      const query = parseSearch(text);
      const mine = conversations.all(userId);
      const within = conversationId ? mine.filter((id) => id === conversationId) : mine;
      const after = cursor ? Number(CURSOR.exec(cursor)?.[1] ?? -1) : null;
      if (!query || within.length === 0 || after === -1) return { items: [], nextCursor: null };
      const match = matchExpression(query, within);
      const page = await searchPage({
        query,
        limit,
        after,
        candidates: async (before, count) =>
          candidates
            .all({ match, userId, before: before ?? Number.MAX_SAFE_INTEGER, limit: count })
            .map((r) => ({
              key: r.rowid,
              id: r.id,
              text: r.text,
              createdAt: new Date(r.created_at),
            })),
        load: async (ids) => hydrate(byIds.all(JSON.stringify(ids))),
      });
      return { items: page.items, nextCursor: page.next === null ? null : `r:${page.next}` };
    },
  };
}
