import type { Message, SearchHit, SnippetSegment } from './types.ts';

/**
 * Message search, the part both adapters share: what a query means, which messages match it,
 * how a page of results is gathered and what their snippets show. Adapters find the candidates,
 * newest first, with their own index (SQLite FTS5, MongoDB's text index) among the messages the
 * user may read; everything here runs on those candidates, so both stores answer alike.
 *
 * Results come newest first, as in WhatsApp, Telegram and Signal: in a chat the newest match is
 * most often the one looked for, and a page costs the store only the page (relevance would mean
 * reading every match to rank it).
 *
 * Words are runs of letters, digits and marks, case and accents folded (é → e; ø, ł and ß stay
 * as they are): `foldedWords` makes them, for the index as for the check of each candidate.
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
 * A last word shorter than this, alone, is taken as a whole word (a prefix of one or two
 * letters alone would match nearly everything); after other words it is a prefix.
 */
export const MIN_PREFIX_LENGTH = 3;

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
/** A word of a folded text (its marks are gone). */
const FOLDED_WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{M}/gu;

/** Case and accents folded, as the index folds them. */
export function foldText(text: string): string {
  // Lower case first: some capitals lower to a letter and a mark (İ → i̇), and the mark must go.
  return text.toLowerCase().normalize('NFD').replace(MARKS, '');
}

/** The words of a text, folded, in order (repeats kept). */
export function foldedWords(text: string): string[] {
  // The whole text folded at once: cheaper than word by word, and the same words.
  return foldText(text).match(FOLDED_WORD) ?? [];
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
  // A run of marks alone folds to nothing.
  const found = wordsOf(text)
    .filter((w) => w.folded !== '')
    .slice(0, MAX_QUERY_WORDS);
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

/** A candidate as an adapter found it: enough to check and show it, and where it lies. */
export interface SearchCandidate<K> extends Pick<Message, 'id' | 'text' | 'createdAt'> {
  /** Its place in the adapter's newest-first order: the next page starts after it. */
  key: K;
}

/** Candidates looked at for one page at most (a short prefix may rule many out). */
export const SEARCH_SCAN_LIMIT = 1000;
/** Characters of context a snippet shows around its first match. */
const SNIPPET_BEFORE = 40;
const SNIPPET_LENGTH = 160;

function matches(folded: string, query: SearchQuery): boolean {
  return query.words.includes(folded) || (query.prefix !== null && folded.startsWith(query.prefix));
}

/** Whether the text holds every word of the query and, if any, a word starting with the prefix. */
export function matchesQuery(text: string, query: SearchQuery): boolean {
  const words = new Set(foldedWords(text));
  if (!query.words.every((word) => words.has(word))) return false;
  if (query.prefix === null) return true;
  for (const word of words) if (word.startsWith(query.prefix)) return true;
  return false;
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

/**
 * One page of results, newest first: the adapter's candidates after `after` (each checked
 * against the query: the index may find more than the words ask for), read in batches until
 * the page is full or SEARCH_SCAN_LIMIT candidates were looked at; `load` reads the messages of
 * the page as the user sees them. `next` is where the following page starts, null at the end (a
 * page cut short by the scan limit has fewer items and a `next`).
 */
export async function searchPage<K>(opts: {
  query: SearchQuery;
  limit: number;
  after: K | null;
  /** Up to `count` candidates older than `after` (all, when null), newest first. */
  candidates: (after: K | null, count: number) => Promise<SearchCandidate<K>[]>;
  load: (ids: string[]) => Promise<Message[]>;
}): Promise<{ items: SearchHit[]; next: K | null }> {
  const found: SearchCandidate<K>[] = [];
  let after = opts.after;
  let scanned = 0;
  let exhausted = false;
  // One more than the page shows, to know whether another follows; later batches grow, as the
  // first one showed that most candidates are ruled out.
  let count = opts.limit + 1;
  while (found.length <= opts.limit && scanned < SEARCH_SCAN_LIMIT && !exhausted) {
    const batch = await opts.candidates(after, Math.min(count, SEARCH_SCAN_LIMIT - scanned));
    exhausted = batch.length < Math.min(count, SEARCH_SCAN_LIMIT - scanned);
    for (const candidate of batch) {
      scanned += 1;
      after = candidate.key;
      if (matchesQuery(candidate.text, opts.query)) found.push(candidate);
      if (found.length > opts.limit) break;
    }
    count *= 4;
  }
  const page = found.slice(0, opts.limit);
  const messages = new Map((await opts.load(page.map((c) => c.id))).map((m) => [m.id, m] as const));
  const items = page.flatMap((candidate) => {
    const message = messages.get(candidate.id);
    return message ? [{ message, snippet: snippet(candidate.text, opts.query) }] : [];
  });
  const next = found.length > opts.limit ? page.at(-1)!.key : exhausted ? null : after;
  return { items, next };
}
