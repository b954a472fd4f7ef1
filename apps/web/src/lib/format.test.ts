import { describe, expect, it } from 'vitest';
import { daysBetween, formatDayLabel, formatLastSeen, formatListTime, initials } from './format.ts';

const now = new Date(2026, 2, 18, 15, 30); // Wednesday, March 18, 2026, 15:30 local

describe('format', () => {
  it('counts calendar days, not 24 h spans', () => {
    expect(daysBetween(new Date(2026, 2, 17, 23, 59), new Date(2026, 2, 18, 0, 1))).toBe(1);
    expect(daysBetween(new Date(2026, 2, 18, 0, 1), now)).toBe(0);
  });

  it('labels days like a person would', () => {
    expect(formatDayLabel(new Date(2026, 2, 18, 9), now, 'en-US')).toBe('Today');
    expect(formatDayLabel(new Date(2026, 2, 17, 9), now, 'en-US')).toBe('Yesterday');
    expect(formatDayLabel(new Date(2026, 2, 15, 9), now, 'en-US')).toBe('Sunday');
    expect(formatDayLabel(new Date(2026, 1, 2, 9), now, 'en-US')).toBe('February 2');
    expect(formatDayLabel(new Date(2025, 1, 2, 9), now, 'en-US')).toBe('February 2, 2025');
  });

  it('keeps sidebar times short', () => {
    expect(formatListTime(new Date(2026, 2, 17, 9), now, 'en-US')).toBe('Yesterday');
    expect(formatListTime(new Date(2026, 2, 16, 9), now, 'en-US')).toBe('Mon');
  });

  it('says when a peer was last seen', () => {
    expect(formatLastSeen(null, now)).toBe('offline');
    expect(formatLastSeen(new Date(now.getTime() - 20_000), now)).toBe('last seen just now');
    expect(formatLastSeen(new Date(now.getTime() - 5 * 60_000), now)).toBe('last seen 5 min ago');
    expect(formatLastSeen(new Date(2026, 2, 18, 9, 5), now, 'en-GB')).toBe(
      'last seen today at 9:05',
    );
    expect(formatLastSeen(new Date(2026, 2, 17, 9, 5), now, 'en-GB')).toBe(
      'last seen yesterday at 9:05',
    );
  });

  it('makes initials', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('ada')).toBe('A');
    expect(initials('  Grace   Brewster Hopper ')).toBe('GH');
    expect(initials('')).toBe('?');
  });
});
