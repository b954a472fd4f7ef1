import { describe, expect, it } from 'vitest';
import { foldText, parseSearch, rankCandidates, snippet } from './search.ts';

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

  it('splits words as SQLite’s unicode61 does', () => {
    expect(foldText('Cafe\u0301 ØRE')).toBe('cafe øre');
    expect(parseSearch("don't x-ray ")?.words).toEqual(['don', 't', 'x', 'ray']);
  });
});

describe('rankCandidates and snippet', () => {
  const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n));
  const query = parseSearch('red apple')!;

  it('drops candidates without every word and ranks the rest, newest first on a tie', () => {
    const ranked = rankCandidates(
      [
        { id: '1', text: 'a red apple', createdAt: at(1) },
        { id: '2', text: 'a red pear', createdAt: at(2) },
        { id: '3', text: 'red apples, red applesauce', createdAt: at(3) },
        { id: '4', text: 'a red apple', createdAt: at(4) },
      ],
      query,
    );
    expect(ranked.map((c) => c.id)).toEqual(['3', '4', '1']);
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
