import { describe, expect, it } from 'vitest';
import {
  foldedWords,
  foldText,
  matchesQuery,
  parseSearch,
  SEARCH_SCAN_LIMIT,
  searchPage,
  snippet,
  type SearchCandidate,
} from './search.ts';
import type { Message } from './types.ts';

describe('parseSearch', () => {
  it('folds case and accents, and takes the last word as a prefix while it is typed', () => {
    expect(parseSearch('Crème BRÛLÉE')).toEqual({ words: ['creme'], prefix: 'brulee' });
    expect(parseSearch('crème brûlée ')).toEqual({ words: ['creme', 'brulee'], prefix: null });
    expect(parseSearch('brûlée!')).toEqual({ words: ['brulee'], prefix: null });
    expect(parseSearch('hello wo')).toEqual({ words: ['hello'], prefix: 'wo' });
    expect(parseSearch('wo')).toEqual({ words: ['wo'], prefix: null });
    expect(parseSearch('fox fox')).toEqual({ words: [], prefix: 'fox' });
    expect(parseSearch(' …?! ')).toBeNull();
  });

  it('counts a short last word in characters, and never leaves a query with nothing to look up', () => {
    // Two characters, three UTF-16 units: a whole word, not a prefix.
    expect(parseSearch('🏧𘱭ᴯ')).toEqual({ words: ['𘱭ᴯ'], prefix: null });
    expect(parseSearch('wo wo')).toEqual({ words: ['wo'], prefix: null });
  });

  it('keeps at most eight words', () => {
    expect(parseSearch('a b c d e f g h i j ')?.words).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
    ]);
  });

  it('folds a capital that lowers to a letter and a mark, and drops a word of marks alone', () => {
    expect(foldedWords('İstanbul İSTANBUL')).toEqual(['istanbul', 'istanbul']);
    expect(parseSearch('İstanbul')).toEqual({ words: [], prefix: 'istanbul' });
    expect(parseSearch('\u0301 wo')).toEqual({ words: ['wo'], prefix: null });
  });

  it('splits words at anything but letters, digits and marks, and keeps ø as it is', () => {
    expect(foldText('Cafe\u0301 ØRE')).toBe('cafe øre');
    expect(parseSearch("don't x-ray ")?.words).toEqual(['don', 't', 'x', 'ray']);
  });
});

describe('matchesQuery, searchPage and snippet', () => {
  const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n));
  const query = parseSearch('red apple')!;

  it('wants every word and, as typed, a word starting with the prefix', () => {
    expect(matchesQuery('A RED apple', query)).toBe(true);
    expect(matchesQuery('red applesauce', query)).toBe(true);
    expect(matchesQuery('a red pear', query)).toBe(false);
    expect(matchesQuery('apple, not red-ish', parseSearch('red apple ')!)).toBe(true);
    expect(matchesQuery('reddish apple', parseSearch('red apple ')!)).toBe(false);
  });

  /** Candidates numbered 1..n (the key), newest (n) first, and what the store was asked. */
  function store(texts: string[]) {
    const all: SearchCandidate<number>[] = texts.map((text, i) => ({
      key: i + 1,
      id: `m${i + 1}`,
      text,
      createdAt: at(i + 1),
    }));
    const asked: number[] = [];
    return {
      asked,
      candidates: async (after: number | null, count: number) => {
        asked.push(count);
        return all
          .filter((c) => after === null || c.key < after)
          .reverse()
          .slice(0, count);
      },
      load: async (ids: string[]) => ids.map((id) => ({ id }) as Message),
    };
  }

  it('pages newest first, each match once, and reads only a page and one more', async () => {
    const s = store(Array.from({ length: 7 }, (_, i) => `red apple ${i + 1}`));
    const first = await searchPage({ query, limit: 3, after: null, ...s });
    expect(first.items.map((hit) => hit.message.id)).toEqual(['m7', 'm6', 'm5']);
    expect(first.next).toBe(5);
    expect(s.asked).toEqual([4]);
    const second = await searchPage({ query, limit: 3, after: first.next, ...s });
    expect(second.items.map((hit) => hit.message.id)).toEqual(['m4', 'm3', 'm2']);
    const last = await searchPage({ query, limit: 3, after: second.next, ...s });
    expect(last.items.map((hit) => hit.message.id)).toEqual(['m1']);
    expect(last.next).toBeNull();
  });

  it('reads on in growing batches past candidates the prefix rules out', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => (i < 3 ? `red apple ${i}` : 'red pear'));
    const s = store(texts);
    const page = await searchPage({ query, limit: 2, after: null, ...s });
    expect(page.items.map((hit) => hit.message.id)).toEqual(['m3', 'm2']);
    expect(page.next).toBe(2);
    expect(s.asked).toEqual([3, 12, 48, 192]);
  });

  it('stops after SEARCH_SCAN_LIMIT candidates with what it found and where to go on', async () => {
    const texts = ['red apple', ...Array.from({ length: SEARCH_SCAN_LIMIT + 10 }, () => 'red')];
    const s = store(texts);
    const page = await searchPage({ query, limit: 5, after: null, ...s });
    expect(page.items).toEqual([]);
    expect(page.next).toBe(texts.length - SEARCH_SCAN_LIMIT + 1);
    const rest = await searchPage({ query, limit: 5, after: page.next, ...s });
    expect(rest.items.map((hit) => hit.message.id)).toEqual(['m1']);
    expect(rest.next).toBeNull();
  });

  it('shows the text as plain segments, never markup', () => {
    expect(snippet('<b>Red</b> apple', query)).toEqual([
      { text: '<b>', match: false },
      { text: 'Red', match: true },
      { text: '</b> ', match: false },
      { text: 'apple', match: true },
    ]);
  });
});
