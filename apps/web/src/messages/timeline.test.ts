import { describe, expect, it } from 'vitest';
import { message } from '../lib/testing.ts';
import { outboxReducer, type OutboxItem } from './outbox.ts';
import { buildTimeline, firstUnread, tickStatus } from './timeline.ts';

function outboxWith(...texts: string[]): OutboxItem[] {
  return texts.reduce<OutboxItem[]>(
    (items, text, i) =>
      outboxReducer(items, {
        type: 'enqueue',
        clientMessageId: `cid-${text}`,
        destination: { conversationId: 'c1' },
        text,
        at: 1000 + i,
      }),
    [],
  );
}

const mark = (lowest: number, lowestUserId: string | null, nextLowest: number | null) => ({
  lowest,
  lowestUserId,
  nextLowest,
});

describe('ticks', () => {
  it('mean everyone else: read when the last of the others read it', () => {
    // Bob read up to 5, Cy up to 3, me (ann) 9: the others reached 3.
    const receipts = { delivered: mark(5, null, 5), read: mark(3, 'cy', 5) };
    expect(tickStatus(3, receipts, 'ann')).toBe('read');
    expect(tickStatus(4, receipts, 'ann')).toBe('delivered');
    expect(tickStatus(6, receipts, 'ann')).toBe('sent');
  });

  it('look past me when I am the one behind', () => {
    const receipts = { delivered: mark(2, 'ann', 8), read: mark(2, 'ann', 8) };
    expect(tickStatus(8, receipts, 'ann')).toBe('read');
    expect(tickStatus(9, receipts, 'ann')).toBe('sent');
    expect(tickStatus(1, null, 'ann')).toBe('sent');
  });
});

describe('buildTimeline', () => {
  const receipts = { delivered: mark(2, null, 2), read: mark(1, null, 1) };

  it('orders stored messages by seq, once each, then pending ones', () => {
    const m1 = message({ seq: 1, senderId: 'bob' });
    const m2 = message({ seq: 2, senderId: 'ann' });
    const timeline = buildTimeline({
      me: 'ann',
      messages: [m2, m1, m2],
      outbox: outboxWith('later'),
      receipts,
    });
    expect(timeline.map((m) => [m.text, m.status])).toEqual([
      ['message 1', null],
      ['message 2', 'delivered'],
      ['later', 'pending'],
    ]);
  });

  it('shows an acknowledged item as sent until its stored message takes its place', () => {
    let outbox = outboxWith('hello');
    outbox = outboxReducer(outbox, { type: 'sending', id: 'cid-hello' });
    outbox = outboxReducer(outbox, {
      type: 'acked',
      id: 'cid-hello',
      message: { id: 'm7', seq: 7, conversationId: 'c1' },
    });
    const waiting = buildTimeline({ me: 'ann', messages: [], outbox, receipts });
    expect(waiting.map((m) => [m.key, m.status, m.seq])).toEqual([['cid-hello', 'sent', 7]]);
    const stored = message({
      seq: 7,
      senderId: 'ann',
      text: 'hello',
      clientMessageId: 'cid-hello',
    });
    const timeline = buildTimeline({ me: 'ann', messages: [stored], outbox, receipts });
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.key).toBe('cid-hello');
  });

  it('keeps system lines in their place, without ticks', () => {
    const line = message({
      seq: 1,
      senderId: 'ann',
      kind: 'system',
      text: '',
      system: { action: 'created', actorId: 'ann', title: 'Climbers', userIds: [] },
    });
    const [shown] = buildTimeline({ me: 'ann', messages: [line], outbox: [], receipts });
    expect(shown).toMatchObject({ kind: 'system', status: null, key: 'm1' });
  });

  it('finds where unread messages start: not mine, not system lines', () => {
    const timeline = buildTimeline({
      me: 'ann',
      messages: [
        message({ seq: 1, senderId: 'bob' }),
        message({ seq: 2, senderId: 'ann' }),
        message({
          seq: 3,
          senderId: 'bob',
          kind: 'system',
          system: { action: 'joined', actorId: 'bob' },
        }),
        message({ seq: 4, senderId: 'bob' }),
      ],
      outbox: [],
      receipts,
    });
    expect(firstUnread(timeline, 'ann', 1)?.seq).toBe(4);
    expect(firstUnread(timeline, 'ann', 4)).toBeNull();
  });
});
