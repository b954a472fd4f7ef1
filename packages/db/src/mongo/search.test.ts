import { describe, expect, it } from 'vitest';
import { prefixPattern } from './search.ts';

describe('the prefix regex of a MongoDB search', () => {
  it('matches the prefix whatever its case and accents, and nothing else', () => {
    const pattern = new RegExp(prefixPattern('creme'), 'i');
    for (const text of ['Crème brûlée', 'CRÈME', 'une crème', 'Cremé'])
      expect(text).toMatch(pattern);
    for (const text of ['cream', 'crme', 'cr.me']) expect(text).not.toMatch(pattern);
  });

  it('keeps other characters as they are, escaped', () => {
    expect(prefixPattern('東京')).toBe('東京');
    expect(new RegExp(prefixPattern('c3po'), 'i').test('C3PO')).toBe(true);
  });
});
