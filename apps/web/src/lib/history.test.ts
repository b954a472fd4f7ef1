import { describe, expect, it } from 'vitest';
import { allMessages, insertMessage, type HistoryData } from './history.ts';
import { message } from './testing.ts';

describe('history cache', () => {
  const page = (seqs: number[], nextCursor: string | null = null) => ({
    items: seqs.map((seq) => message({ seq, senderId: 'bob' })),
    nextCursor,
  });

  it('adds a live message to the newest page, newest first', () => {
    const data: HistoryData = { pages: [page([3, 2], 'm2'), page([1])], pageParams: [null, 'm2'] };
    const next = insertMessage(data, message({ seq: 4, senderId: 'ann' }))!;
    expect(next.pages[0]!.items.map((m) => m.seq)).toEqual([4, 3, 2]);
    expect(allMessages(next)).toHaveLength(4);
  });

  it('never adds the same message twice', () => {
    const data: HistoryData = { pages: [page([2]), page([1])], pageParams: [null, 'm2'] };
    expect(insertMessage(data, message({ seq: 1, senderId: 'bob' }))).toBe(data);
  });

  it('leaves an unloaded conversation to its query', () => {
    expect(insertMessage(undefined, message({ seq: 1, senderId: 'bob' }))).toBeUndefined();
  });
});
