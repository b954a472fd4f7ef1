import sift from 'sift';
import { describe, expect, it } from 'vitest';
import { replayFilter } from './events.ts';
import type { EventLogDoc } from './models.ts';

const createdAt = new Date('2025-03-01T12:00:00.000Z');

describe('replay query', () => {
  it('covers each period that overlaps the range, ends inclusive, and the user’s own events', () => {
    const periods = [
      { conversationId: 'old', fromEventId: 0, toEventId: null }, // migrated: from the start
      { conversationId: 'g', fromEventId: 10, toEventId: 20 },
      { conversationId: 'g', fromEventId: 40, toEventId: null },
      { conversationId: 'gone', fromEventId: 1, toEventId: 5 },
    ];
    const notWithheld = { except: { $nin: ['u'] } };
    expect(replayFilter('u', periods, 15, 45)).toEqual({
      $or: [
        { conversationId: 'old', _id: { $gt: 15, $lte: 45 }, ...notWithheld },
        { conversationId: 'g', _id: { $gt: 15, $lte: 20 }, ...notWithheld },
        { conversationId: 'g', _id: { $gt: 39, $lte: 45 }, ...notWithheld },
        { userId: 'u', _id: { $gt: 15, $lte: 45 } },
      ],
    });
  });

  it('reads only the user’s own events without periods', () => {
    expect(replayFilter('u', [], 0, 9)).toEqual({
      $or: [{ userId: 'u', _id: { $gt: 0, $lte: 9 } }],
    });
  });

  it('leaves out, in the query itself, the events withheld from the user: a page is full', () => {
    // Events 2, 4, 6 and 8 are withheld from u; 9 from someone else; 10 is u's own.
    const log: EventLogDoc[] = Array.from({ length: 10 }, (_, i) => {
      const id = i + 1;
      const data = { type: 'message.hidden' as const, conversationId: 'c', messageId: `m-${id}` };
      if (id === 10) return { _id: id, userId: 'u', data, createdAt };
      const except = id % 2 === 0 ? ['v', 'u'] : id === 9 ? ['w'] : undefined;
      return { _id: id, conversationId: 'c', data, createdAt, ...(except ? { except } : {}) };
    });
    const periods = [{ conversationId: 'c', fromEventId: 1, toEventId: null }];
    // Evaluated as MongoDB does a find: the filter, then the limit (the log is in id order).
    const page = (userId: string, limit: number) =>
      log
        .filter(sift(replayFilter(userId, periods, 0, 10)))
        .slice(0, limit)
        .map((event) => event._id);

    expect(page('u', 4)).toEqual([1, 3, 5, 7]);
    expect(page('u', 10)).toEqual([1, 3, 5, 7, 9, 10]);
    expect(page('w', 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
