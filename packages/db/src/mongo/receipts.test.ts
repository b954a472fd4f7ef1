import { describe, expect, it } from 'vitest';
import { sameMarks, toMark } from './receipts.ts';

describe('receipt marks', () => {
  it('are made of the two lowest positions of the current members', () => {
    expect(toMark([])).toEqual({ lowest: 0, lowestUserId: null, nextLowest: null });
    expect(toMark([{ userId: 'a', seq: 4 }])).toEqual({
      lowest: 4,
      lowestUserId: 'a',
      nextLowest: null,
    });
    expect(
      toMark([
        { userId: 'a', seq: 2 },
        { userId: 'b', seq: 5 },
      ]),
    ).toEqual({ lowest: 2, lowestUserId: 'a', nextLowest: 5 });
    // Several at the lowest: nobody alone holds everyone back.
    expect(
      toMark([
        { userId: 'a', seq: 2 },
        { userId: 'b', seq: 2 },
      ]),
    ).toEqual({ lowest: 2, lowestUserId: null, nextLowest: 2 });
  });

  it('compare by value, never equal to marks not announced yet', () => {
    const marks = { delivered: toMark([{ userId: 'a', seq: 1 }]), read: toMark([]) };
    expect(sameMarks(structuredClone(marks), marks)).toBe(true);
    expect(sameMarks(null, marks)).toBe(false);
    expect(sameMarks({ ...marks, read: toMark([{ userId: 'a', seq: 0 }]) }, marks)).toBe(false);
  });
});
