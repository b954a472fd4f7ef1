import { describe, expect, it } from 'vitest';
import { outboxReducer, type OutboxItem } from './outbox.ts';
import { message } from './testing.ts';
import { buildTimeline, tickStatus, unreadTotal, unreadUpTo } from './timeline.ts';

function outboxWith(...texts: string[]): OutboxItem[] {
  return texts.reduce<OutboxItem[]>(
    (items, text, i) =>
      outboxReducer(items, {
        type: 'enqueue',
        clientMessageId: `cid-${text}`,
        to: 'bob',
        text,
        at: 1000 + i,
      }),
    [],
  );
}

describe('ticks', () => {
  it('derives sent / delivered / read from the peer positions', () => {
    const receipts = { peerDeliveredSeq: 5, peerReadSeq: 3 };
    expect(tickStatus(2, receipts)).toBe('read');
    expect(tickStatus(3, receipts)).toBe('read');
    expect(tickStatus(4, receipts)).toBe('delivered');
    expect(tickStatus(6, receipts)).toBe('sent');
  });
});

describe('buildTimeline', () => {
  it('orders stored messages by seq, once each, then pending ones', () => {
    const m1 = message({ seq: 1, senderId: 'bob' });
    const m2 = message({ seq: 2, senderId: 'ann' });
    const timeline = buildTimeline({
      me: 'ann',
      messages: [m2, m1, m2],
      outbox: outboxWith('later'),
      receipts: { peerDeliveredSeq: 2, peerReadSeq: 1 },
    });
    expect(timeline.map((m) => [m.text, m.status])).toEqual([
      ['message 1', null],
      ['message 2', 'delivered'],
      ['later', 'pending'],
    ]);
  });

  it('hides an outbox item once its stored message is there (no double bubble)', () => {
    const outbox = outboxWith('hello');
    const stored = message({
      seq: 7,
      senderId: 'ann',
      text: 'hello',
      clientMessageId: 'cid-hello',
    });
    const timeline = buildTimeline({
      me: 'ann',
      messages: [stored],
      outbox,
      receipts: { peerDeliveredSeq: 0, peerReadSeq: 0 },
    });
    expect(timeline).toHaveLength(1);
    // Same key before and after the acknowledgement, so the bubble is not re-mounted.
    expect(timeline[0]!.key).toBe('cid-hello');
    expect(timeline[0]!.status).toBe('sent');
  });

  it('shows failed items with their error', () => {
    let outbox = outboxWith('oops');
    outbox = outboxReducer(outbox, { type: 'sending', id: 'cid-oops' });
    outbox = outboxReducer(outbox, { type: 'failed', id: 'cid-oops', error: 'Too long' });
    const [item] = buildTimeline({
      me: 'ann',
      messages: [],
      outbox,
      receipts: { peerDeliveredSeq: 0, peerReadSeq: 0 },
    });
    expect(item).toMatchObject({ status: 'failed', error: 'Too long' });
  });
});

describe('unread', () => {
  it('sums the badges', () => {
    expect(unreadTotal([{ unreadCount: 2 }, { unreadCount: 0 }, { unreadCount: 5 }])).toBe(7);
    expect(unreadTotal([])).toBe(0);
  });

  it('finds the newest unread peer message to mark read', () => {
    const messages = [
      message({ seq: 1, senderId: 'bob' }),
      message({ seq: 2, senderId: 'bob' }),
      message({ seq: 3, senderId: 'ann' }),
    ];
    expect(unreadUpTo(messages, 'ann', 0)?.seq).toBe(2);
    expect(unreadUpTo(messages, 'ann', 2)).toBeNull();
  });
});
