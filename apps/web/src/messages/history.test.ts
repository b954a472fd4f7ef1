import { describe, expect, it } from 'vitest';
import { message, pages } from '../lib/testing.ts';
import { allMessages, holdsNewest, insertMessage } from './history.ts';

describe('history pages', () => {
  it('adds a live message to the newest page, once, in order', () => {
    const data = pages(
      { items: [message({ seq: 1, senderId: 'a' })], olderCursor: null },
      { items: [message({ seq: 2, senderId: 'a' }), message({ seq: 4, senderId: 'b' })] },
    );
    const m3 = message({ seq: 3, senderId: 'b' });
    const next = insertMessage(data, m3);
    expect(allMessages(next).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(insertMessage(next, m3)).toBe(next);
    expect(insertMessage(undefined, m3)).toBeUndefined();
  });

  it('leaves a gap before the newest messages to be fetched', () => {
    const data = pages({ items: [message({ seq: 1, senderId: 'a' })], newerCursor: 'a:1' });
    expect(holdsNewest(data)).toBe(false);
    expect(insertMessage(data, message({ seq: 60, senderId: 'b' }))).toBe(data);
  });
});
