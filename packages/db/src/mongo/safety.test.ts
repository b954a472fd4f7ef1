import sift from 'sift';
import { describe, expect, it } from 'vitest';
import { decodeTimeCursor, encodeTimeCursor } from './cursor.ts';
import { relationsOf, reportPageFilter, settingsUpdate } from './safety.ts';

describe('privacy settings', () => {
  it('set only the fields a patch gives, false included', () => {
    expect(settingsUpdate({})).toEqual({});
    expect(settingsUpdate({ readReceipts: false, lastSeen: 'contacts' })).toEqual({
      'privacy.readReceipts': false,
      'privacy.lastSeen': 'contacts',
    });
    expect(settingsUpdate({ notificationPreviews: true, lastSeen: undefined })).toEqual({
      'privacy.notificationPreviews': true,
    });
  });
});

describe('block relations', () => {
  it('tell whom the user blocked and who blocked them, among the others asked about', () => {
    const blocks = [
      { blockerId: 'me', blockedId: 'b' },
      { blockerId: 'c', blockedId: 'me' },
      { blockerId: 'me', blockedId: 'c' },
      { blockerId: 'x', blockedId: 'me' }, // not asked about
    ];
    expect(relationsOf('me', ['c', 'b', 'b', 'y'], blocks)).toEqual({
      blocked: ['c', 'b'],
      blockedBy: ['c'],
    });
    expect(relationsOf('me', ['y'], blocks)).toEqual({ blocked: [], blockedBy: [] });
  });
});

describe('report pages', () => {
  const t = (s: number) => new Date(Date.UTC(2025, 2, 1, 12, 0, s));
  // Newest first, ties by id descending: the order of the index { status, createdAt: -1, _id: -1 }.
  const reports = [
    { _id: 'r-5', status: 'open', createdAt: t(3) },
    { _id: 'r-4', status: 'open', createdAt: t(2) },
    { _id: 'r-3', status: 'open', createdAt: t(2) },
    { _id: 'r-2', status: 'resolved', createdAt: t(2) },
    { _id: 'r-1', status: 'open', createdAt: t(1) },
  ];

  it('walk a status newest first, ties by id, without repeating or skipping one', () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages += 1) {
      const before = cursor === null ? null : decodeTimeCursor(cursor);
      const found = reports.filter(sift(reportPageFilter('open', before))).slice(0, 3);
      const page = found.slice(0, 2);
      seen.push(...page.map((r) => r._id));
      const last = page.at(-1);
      if (found.length <= 2 || !last) break;
      cursor = encodeTimeCursor(last.createdAt.getTime(), last._id);
    }
    expect(seen).toEqual(['r-5', 'r-4', 'r-3', 'r-1']);
  });

  it('start with every report of the status', () => {
    expect(reportPageFilter('resolved', null)).toEqual({ status: 'resolved' });
  });
});
