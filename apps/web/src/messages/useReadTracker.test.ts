import { describe, expect, it } from 'vitest';
import { readUpTo } from './useReadTracker.ts';

describe('read tracking', () => {
  it('marks up to the newest message on screen, only past what was read', () => {
    const shown = [
      { id: 'm4', seq: 4 },
      { id: 'm6', seq: 6 },
      { id: 'm5', seq: 5 },
    ];
    expect(readUpTo(shown, 3)).toEqual({ id: 'm6', seq: 6 });
    expect(readUpTo(shown, 6)).toBeNull();
    expect(readUpTo([], 0)).toBeNull();
  });
});
