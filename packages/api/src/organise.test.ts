import { describe, expect, it } from 'vitest';
import { isArchived, isMuted, MUTED_FOREVER } from './organise.ts';

const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 12, minutes));

describe('how a conversation shows', () => {
  it('is muted until its time, or forever', () => {
    expect(isMuted({ mutedUntil: null }, at(0))).toBe(false);
    expect(isMuted({ mutedUntil: at(10) }, at(5))).toBe(true);
    expect(isMuted({ mutedUntil: at(10) }, at(10))).toBe(false);
    expect(isMuted({ mutedUntil: MUTED_FOREVER }, at(1e6))).toBe(true);
  });

  it('is archived until a newer message arrives, unless muted', () => {
    const archived = { archivedAt: at(5), mutedUntil: null };
    expect(isArchived({ archivedAt: null, mutedUntil: null }, null, at(9))).toBe(false);
    expect(isArchived(archived, null, at(9))).toBe(true);
    expect(isArchived(archived, at(4), at(9))).toBe(true);
    expect(isArchived(archived, at(6), at(9))).toBe(false);
    expect(isArchived({ ...archived, mutedUntil: at(20) }, at(6), at(9))).toBe(true);
    expect(isArchived({ ...archived, mutedUntil: at(20) }, at(6), at(21))).toBe(false);
  });
});
