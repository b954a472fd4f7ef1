import type { Store, User } from '@parley/db';
import type { ChatEvent } from '../events.ts';
import type { EventHub, HubItem } from './event-hub.ts';

const REPLAY_PAGE = 500;

/**
 * What the hub hands a stream, waiting for it to take them, in order; `take` resolves with all
 * that waits (null once `signal` aborted).
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
    async take(): Promise<T[] | null> {
      while (!signal.aborted) {
        if (queued.length > 0) {
          const batch = queued;
          queued = [];
          return batch;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return null;
    },
    close(): void {
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * How the caller wraps each item of the stream (the router: tRPC's `tracked`): `id` is the last
 * durable event id the client has after it.
 */
export type Envelope<E> = (id: string, data: ChatEvent) => E;

/**
 * A user's ordered event stream: listen first, replay durable events after `lastEventId` from
 * the store up to where the listening began, then go live. Durable events are yielded once
 * each, in id order, with no gap; a resume point the store cannot honour (from an earlier
 * version's streams, or beyond its newest event after a reset) starts from now.
 */
export function createEventStream(deps: {
  store: Store;
  hub: EventHub;
  /** Of some people, who is online as the user may see it (privacy and blocks applied). */
  onlineFor: (viewer: string, ids: string[]) => Promise<string[]>;
  presencePeersMax: number;
}) {
  const { store, hub, onlineFor } = deps;

  return async function* stream<E>(
    user: User,
    lastEventId: number | null,
    signal: AbortSignal,
    envelope: Envelope<E>,
  ): AsyncGenerator<E> {
    const inbox = createInbox<HubItem>(signal);
    const listener = hub.listen(user.id, (item) => inbox.push(item));
    try {
      const [periods, [settings]] = await Promise.all([
        store.listMembershipPeriods(user.id),
        store.getSettings([user.id]),
      ]);
      listener.activate(periods, settings!.lastSeen);
      const live = listener.position;
      let last = live;
      if (lastEventId !== null && lastEventId >= (await store.firstEventId()) - 1) {
        if (lastEventId <= live || lastEventId <= (await store.lastEventId())) last = lastEventId;
      }

      const peers = await store.listPeerIds(user.id, deps.presencePeersMax);
      yield envelope(String(last), {
        type: 'presence.snapshot',
        online: await onlineFor(user.id, peers),
      });
      while (last < live) {
        const events = await store.listUserEvents({
          userId: user.id,
          afterId: last,
          upToId: live,
          limit: REPLAY_PAGE,
        });
        for (const event of events) {
          last = event.id;
          yield envelope(String(last), event.data);
        }
        if (events.length < REPLAY_PAGE) break;
      }
      last = Math.max(last, live);
      yield envelope(String(last), { type: 'ready', lastEventId: String(last) });

      for (let batch = await inbox.take(); batch; batch = await inbox.take()) {
        for (const item of batch) {
          if (signal.aborted) return;
          if (item.id === undefined) yield envelope(String(last), item.data);
          else if (item.id > last) {
            last = item.id;
            yield envelope(String(last), item.data);
          }
        }
      }
    } finally {
      inbox.close();
      listener.close();
    }
  };
}

export type EventStream = ReturnType<typeof createEventStream>;
