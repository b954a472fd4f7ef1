import type { StoredEvent } from '@parley/db';
import { describe, expect, it } from 'vitest';
import { createOrderedLog } from './ordered-log.ts';

const event = (id: number): StoredEvent => ({
  id,
  conversationId: 'c',
  userId: null,
  data: {
    type: 'conversation.read',
    conversationId: 'c',
    readSeq: id,
    unreadCount: 0,
    mentionCount: 0,
  },
  createdAt: new Date(0),
});

/** A log whose store holds events 1..`head`, started at `start`. */
async function setUp(opts: { start: number; head: number; gapMs?: number }) {
  const delivered: number[] = [];
  const errors: unknown[] = [];
  let head = opts.head;
  const log = createOrderedLog({
    store: {
      lastEventId: async () => opts.start,
      listEvents: async ({ afterId, limit }) =>
        Array.from({ length: Math.max(0, Math.min(limit, head - afterId)) }, (_, i) =>
          event(afterId + i + 1),
        ),
    },
    deliver: (e) => delivered.push(e.id),
    onError: (e) => errors.push(e),
    gapMs: opts.gapMs ?? 20,
  });
  await log.start();
  return { log, delivered, errors, setHead: (n: number) => (head = n) };
}

describe('the ordered log', () => {
  it('delivers events in id order whatever order they arrive in, each once', async () => {
    const { log, delivered } = await setUp({ start: 10, head: 10 });
    for (const id of [12, 11, 11, 14, 9, 10, 13]) log.ingest(event(id));
    expect(delivered).toEqual([11, 12, 13, 14]);
    expect(log.position()).toBe(14);
    log.stop();
  });

  it('reads a predecessor that never arrives from the store, after the gap time', async () => {
    const { log, delivered } = await setUp({ start: 0, head: 3, gapMs: 20 });
    log.ingest(event(1));
    log.ingest(event(3));
    expect(delivered).toEqual([1]);
    await new Promise((r) => setTimeout(r, 80));
    expect(delivered).toEqual([1, 2, 3]);
    log.stop();
  });

  it('catches up with the store after the bus lost messages', async () => {
    const { log, delivered, setHead } = await setUp({ start: 5, head: 5 });
    setHead(1205);
    await log.catchUp();
    expect(delivered).toHaveLength(1200);
    expect(delivered.at(0)).toBe(6);
    expect(delivered.at(-1)).toBe(1205);
    log.stop();
  });

  it('holds what arrives before it starts, and drops what the store already had', async () => {
    const delivered: number[] = [];
    const log = createOrderedLog({
      store: { lastEventId: async () => 2, listEvents: async () => [] },
      deliver: (e) => delivered.push(e.id),
      onError: () => undefined,
    });
    log.ingest(event(2));
    log.ingest(event(3));
    await log.start();
    expect(delivered).toEqual([3]);
    log.stop();
  });
});
