import type { Bus } from '@parley/bus';
import type { Store, User } from '@parley/db';
import { userTopic, type ChatEvent, type UserBusMessage } from '../events.ts';
import type { Presence } from './presence.ts';

const REPLAY_PAGE = 500;
/** Not a bus message: the bus reconnected, so replay whatever the store has beyond `last`. */
const RESYNC: UserBusMessage = { data: { type: 'ready', lastEventId: '' } };

/**
 * Messages from the bus, waiting for the stream to take them, in order; the iterator ends when
 * `signal` aborts. (Node's `events.on()` did this with two 2,048-slot ring buffers per call:
 * 34 KB of every subscribed socket's memory.)
 */
function createInbox<T>(signal: AbortSignal) {
  let queued: T[] = [];
  let wake: (() => void) | null = null;
  const onAbort = () => {
    wake?.();
    wake = null;
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    push(item: T): void {
      queued.push(item);
      const resume = wake;
      wake = null;
      resume?.();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      try {
        while (!signal.aborted) {
          if (queued.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          const batch = queued;
          queued = [];
          for (const item of batch) {
            if (signal.aborted) return;
            yield item;
          }
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** One step of a user's stream: `id` is the last durable event id the client has after it. */
export interface StreamItem {
  id: number;
  data: ChatEvent;
}

/**
 * A user's ordered event stream: listen first, replay durable events after `lastEventId` from
 * the store, then go live. Durable events are yielded once each, in id order, with no gap:
 * a live event that skips ahead triggers a replay of what is missing.
 */
export function createEventStream(deps: { store: Store; bus: Bus; presence: Presence }) {
  const { store, bus, presence } = deps;

  return async function* stream(
    user: User,
    lastEventId: number | null,
    signal: AbortSignal,
  ): AsyncGenerator<StreamItem> {
    const inbox = createInbox<UserBusMessage>(signal);
    const unsubscribe = await bus.subscribe(userTopic(user.id), (message) =>
      inbox.push(message as UserBusMessage),
    );
    // After the bus lost its connection, anything published meanwhile is only in the store.
    const stopResync = bus.onResync?.(() => inbox.push(RESYNC));
    try {
      const newest = await store.lastEventId(user.id);
      // A resume point from the future (a reset database) would hide every new event: start over.
      let last = lastEventId !== null && lastEventId <= newest ? lastEventId : newest;

      async function* replay(upTo: number): AsyncGenerator<StreamItem> {
        while (last < upTo) {
          const events = await store.listEvents({
            userId: user.id,
            afterId: last,
            limit: REPLAY_PAGE,
          });
          for (const event of events) {
            last = event.id;
            yield { id: last, data: event.data };
          }
          if (events.length < REPLAY_PAGE) return;
        }
      }

      const peers = await store.listPeerIds(user.id);
      yield {
        id: last,
        data: { type: 'presence.snapshot', online: [...(await presence.onlineAmong(peers))] },
      };
      yield* replay(Number.MAX_SAFE_INTEGER);
      yield { id: last, data: { type: 'ready', lastEventId: String(last) } };

      for await (const message of inbox) {
        if (message === RESYNC) {
          yield* replay(await store.lastEventId(user.id));
          continue;
        }
        if (message.id === undefined) {
          yield { id: last, data: message.data };
          continue;
        }
        if (message.id <= last) continue;
        if (message.id > last + 1) yield* replay(message.id - 1);
        if (message.id <= last) continue;
        last = message.id;
        yield { id: last, data: message.data };
      }
    } finally {
      stopResync?.();
      unsubscribe();
    }
  };
}

export type EventStream = ReturnType<typeof createEventStream>;
