import type { AppRouter, ChatEvent } from '@parley/api';
import { createTRPCClient, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import { deliverOnceLink } from './deliver-once-link.ts';

type Item = { id: string; data: Pick<ChatEvent, 'type'> };

/** A link that answers every subscription with these items, as wsLink would after a resume. */
const replaying =
  (items: Item[]): TRPCLink<AppRouter> =>
  () =>
  () =>
    observable((observer) => {
      for (const item of items)
        observer.next({ result: { type: 'data', id: item.id, data: item } });
    });

const durable = (id: string): Item => ({ id, data: { type: 'message.new' } });
const typing = (id: string): Item => ({ id, data: { type: 'typing' } });

describe('deliverOnceLink', () => {
  it('passes each durable event once, in order, and the ephemeral ones at the current position', () => {
    const client = createTRPCClient<AppRouter>({
      links: [
        deliverOnceLink(),
        replaying([
          durable('1'),
          durable('2'),
          typing('2'),
          // A replacement socket replays what the old one already delivered.
          durable('1'),
          durable('2'),
          typing('1'),
          durable('3'),
          durable('10'),
          durable('9'),
        ]),
      ],
    });
    const seen: string[] = [];
    client.chat.events.subscribe(
      {},
      { onData: (item) => seen.push(`${item.data.type}:${item.id}`) },
    );
    expect(seen).toEqual([
      'message.new:1',
      'message.new:2',
      'typing:2',
      'message.new:3',
      'message.new:10',
    ]);
  });
});
