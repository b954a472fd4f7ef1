import type { Message, SearchHit, SnippetSegment } from './types.ts';

/**
 * Message search, the part both adapters share: what a query means, which messages match it,
 * how they rank and what their snippets show. Adapters find the candidates with their own index
 * (SQLite FTS5, MongoDB's text index) among the messages the user may read; everything here runs
 * on those candidates, so both stores answer alike.
 *
 * Words are what SQLite's `unicode61` tokenizer (remove_diacritics 2) makes of a text: runs of
 * letters, digits and marks, case and accents folded (é → e; ø, ł and ß stay as they are).
 */

/** What a search looks for: every word, and the last one as typed as a prefix. */
export interface SearchQuery {
  /** Complete words, folded; a message must contain each. */
  words: string[];
  /** The last word still being typed (folded): a message must have a word starting with it. */
  prefix: string | null;
}

/** At most this many words of a query count (the rest are ignored). */
export const MAX_QUERY_WORDS = 8;
/**
 * Prefixes this long are looked up in the index (SQLite keeps them); a shorter last word is
 * checked on the candidates the other words found, or, alone, taken as a whole word (a
 * prefix of one or two letters alone would match nearly everything).
 */
export const MIN_PREFIX_LENGTH = 3;
/** Candidates ranked per search: the newest matches, at most this many. */
export const SEARCH_CANDIDATES = 1000;

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
/** A word of a folded text (its marks are gone). */
const FOLDED_WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{M}/gu;

/** Case and accents folded, as the index folds them. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').toLowerCase();
}

interface Word {
  folded: string;
  start: number;
  end: number;
}

function wordsOf(text: string): Word[] {
  return Array.from(text.matchAll(WORD), (m) => ({
    folded: foldText(m[0]),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/**
 * The query a person typed: its words, the last one a prefix unless it is followed by a space
 * or punctuation (or is shorter than MIN_PREFIX_LENGTH characters and the only word). Null when
 * it has no word.
 */
export function parseSearch(text: string): SearchQuery | null {
  const found = wordsOf(text).slice(0, MAX_QUERY_WORDS);
  const last = found.at(-1);
  if (!last) return null;
  const complete = [...new Set(found.slice(0, -1).map((w) => w.folded))].filter(
    (w) => w !== last.folded,
  );
  // Lengths in characters (code points), as the index counts them.
  const typing =
    last.end === text.length &&
    (complete.length > 0 || Array.from(last.folded).length >= MIN_PREFIX_LENGTH);
  if (!typing) return { words: [...new Set(found.map((w) => w.folded))], prefix: null };
  return { words: complete, prefix: last.folded };
}

/** A candidate as an adapter found it: enough to check, rank and show it. */
export type SearchCandidate = Pick<Message, 'id' | 'text' | 'createdAt'>;

const K1 = 1.2;
const B = 0.75;
/** Characters of context a snippet shows around its first match. */
const SNIPPET_BEFORE = 40;
const SNIPPET_LENGTH = 160;

interface Scored<T> {
  candidate: T;
  score: number;
}

function matches(folded: string, query: SearchQuery): boolean {
  return query.words.includes(folded) || (query.prefix !== null && folded.startsWith(query.prefix));
}

/** Its score, or null when the text lacks a word of the query. */
function score(words: string[], query: SearchQuery, averageLength: number): number | null {
  const counts = new Map<string, number>();
  for (const word of words) {
    if (query.words.includes(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
    if (query.prefix !== null && word.startsWith(query.prefix))
      counts.set('\0prefix', (counts.get('\0prefix') ?? 0) + 1);
  }
  if (counts.size !== query.words.length + (query.prefix === null ? 0 : 1)) return null;
  const norm = K1 * (1 - B + (B * words.length) / averageLength);
  let total = 0;
  for (const frequency of counts.values()) total += (frequency * (K1 + 1)) / (frequency + norm);
  return total;
}

/**
 * The candidates that contain every word of the query, best first: BM25's term-frequency
 * saturation and length normalisation (k1 = 1.2, b = 0.75; every result contains every word, so
 * its inverse document frequency is the same for all and orders nothing), then newest first.
 */
export function rankCandidates<T extends SearchCandidate>(
  candidates: T[],
  query: SearchQuery,
): T[] {
  // The whole text folded at once: cheaper than word by word, and the same words.
  const tokenised = candidates.map((candidate) => ({
    candidate,
    words: foldText(candidate.text).match(FOLDED_WORD) ?? [],
  }));
  const averageLength =
    tokenised.reduce((sum, t) => sum + t.words.length, 0) / Math.max(1, tokenised.length) || 1;
  const scored: Scored<T>[] = [];
  for (const { candidate, words } of tokenised) {
    const s = score(words, query, averageLength);
    if (s !== null) scored.push({ candidate, score: s });
  }
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.candidate.createdAt.getTime() - a.candidate.createdAt.getTime() ||
      (a.candidate.id < b.candidate.id ? 1 : a.candidate.id > b.candidate.id ? -1 : 0),
  );
  return scored.map((s) => s.candidate);
}

/**
 * The part of a text around its first match, as segments to show (matching words marked), never
 * markup. Cut at word boundaries, with "…" where text was left out.
 */
export function snippet(text: string, query: SearchQuery): SnippetSegment[] {
  const words = wordsOf(text);
  const first = words.find((w) => matches(w.folded, query));
  let from = 0;
  let to = text.length;
  if (text.length > SNIPPET_LENGTH) {
    const anchor = first?.start ?? 0;
    from = Math.max(0, anchor - SNIPPET_BEFORE);
    to = Math.min(text.length, from + SNIPPET_LENGTH);
    from = words.find((w) => w.end > from)?.start ?? from;
    to = words.findLast((w) => w.start < to)?.end ?? to;
  }
  const segments: SnippetSegment[] = [];
  const push = (part: string, match: boolean) => {
    if (part.length === 0) return;
    const previous = segments.at(-1);
    if (previous && previous.match === match) previous.text += part;
    else segments.push({ text: part, match });
  };
  if (from > 0) push('…', false);
  let at = from;
  for (const word of words) {
    if (word.start < from || word.end > to || !matches(word.folded, query)) continue;
    push(text.slice(at, word.start), false);
    push(text.slice(word.start, word.end), true);
    at = word.end;
  }
  push(text.slice(at, to), false);
  if (to < text.length) push('…', false);
  return segments;
}

/** Where a page of results starts: an offset into the ranking, opaque to clients. */
const CURSOR = /^o:(\d{1,6})$/;

/**
 * One page of ranked results: the candidates an adapter found (at most SEARCH_CANDIDATES, newest
 * first), checked against the query, ranked, and cut at the cursor; `load` reads the messages of
 * the page as the user sees them.
 */
export async function searchPage<T extends SearchCandidate>(opts: {
  candidates: T[];
  query: SearchQuery;
  cursor: string | null | undefined;
  limit: number;
  load: (ids: string[]) => Promise<Message[]>;
}): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const offset = opts.cursor ? Number(CURSOR.exec(opts.cursor)?.[1] ?? -1) : 0;
  if (offset < 0) return { items: [], nextCursor: null };
  const ranked = rankCandidates(opts.candidates, opts.query);
  const page = ranked.slice(offset, offset + opts.limit);
  const messages = new Map((await opts.load(page.map((c) => c.id))).map((m) => [m.id, m] as const));
  const items = page.flatMap((candidate) => {
    const message = messages.get(candidate.id);
    return message ? [{ message, snippet: snippet(candidate.text, opts.query) }] : [];
  });
  const next = offset + opts.limit;
  return { items, nextCursor: ranked.length > next ? `o:${next}` : null };
}
