import { EventEmitter, on } from 'node:events';
import type { Bus } from '@parley/bus';
import type { Store, User } from '@parley/db';
import { userTopic, type ChatEvent, type UserBusMessage } from '../events.ts';
import type { Presence } from './presence.ts';

const REPLAY_PAGE = 500;
/** Not a bus message: the bus reconnected, so replay whatever the store has beyond `last`. */
const RESYNC: UserBusMessage = { data: { type: 'ready', lastEventId: '' } };

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

  return async function* stream(user: User, lastEventId: number | null, signal: AbortSignal): AsyncGenerator<StreamItem> {
    const inbox = new EventEmitter();
    const live = on(inbox, 'event', { signal }) as AsyncIterableIterator<[UserBusMessage]>;
    const unsubscribe = await bus.subscribe(userTopic(user.id), (message) => inbox.emit('event', message));
    // After the bus lost its connection, anything published meanwhile is only in the store.
    const stopResync = bus.onResync?.(() => inbox.emit('event', RESYNC));
    try {
      const newest = await store.lastEventId(user.id);
      // A resume point from the future (a reset database) would hide every new event: start over.
      let last = lastEventId !== null && lastEventId <= newest ? lastEventId : newest;

      async function* replay(upTo: number): AsyncGenerator<StreamItem> {
        while (last < upTo) {
          const events = await store.listEvents({ userId: user.id, afterId: last, limit: REPLAY_PAGE });
          for (const event of events) {
            last = event.id;
            yield { id: last, data: event.data };
          }
          if (events.length < REPLAY_PAGE) return;
        }
      }

      const peers = await store.listPeerIds(user.id);
      yield { id: last, data: { type: 'presence.snapshot', online: [...(await presence.onlineAmong(peers))] } };
      yield* replay(Number.MAX_SAFE_INTEGER);
      yield { id: last, data: { type: 'ready', lastEventId: String(last) } };

      for await (const [message] of live) {
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
