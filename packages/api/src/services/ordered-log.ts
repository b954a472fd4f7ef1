import type { Store, StoredEvent } from '@parley/db';

/** Events read from the store at once while filling a gap. */
const FILL_PAGE = 500;

/**
 * Turns the committed events arriving from every process (in whatever order the bus brings them)
 * into the log's own order: each event is handed to `deliver` once, in id order, with no gap.
 * Ids are dense, and an event is published only after its commit, so an event that arrives
 * before its predecessor waits for it; if the predecessor has not come within `gapMs` (its
 * publisher died, or the bus dropped it), it is read from the store, where it is committed.
 */
export function createOrderedLog(deps: {
  store: Pick<Store, 'lastEventId' | 'listEvents'>;
  deliver: (event: StoredEvent) => void;
  onError: (error: unknown) => void;
  gapMs?: number;
}) {
  const { store, deliver, onError } = deps;
  const gapMs = deps.gapMs ?? 50;
  const waiting = new Map<number, StoredEvent>();
  /** The id of the last event delivered; null until `start` read the store's. */
  let position: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let filling: Promise<void> | null = null;
  let stopped = false;

  function drain(): void {
    if (position === null) return;
    for (const id of waiting.keys()) if (id <= position) waiting.delete(id);
    let next = waiting.get(position + 1);
    while (next) {
      waiting.delete(next.id);
      position = next.id;
      deliver(next);
      next = waiting.get(position + 1);
    }
    if (waiting.size === 0) {
      if (timer) clearTimeout(timer);
      timer = null;
    } else {
      timer ??= setTimeout(() => {
        timer = null;
        void fill();
      }, gapMs);
    }
  }

  /** Reads what the store has beyond the position (a gap, or whatever a dropped bus missed). */
  function fill(): Promise<void> {
    if (stopped || position === null) return Promise.resolve();
    filling ??= (async () => {
      try {
        for (;;) {
          const events = await store.listEvents({ afterId: position!, limit: FILL_PAGE });
          for (const event of events) ingest(event);
          if (events.length < FILL_PAGE) break;
        }
      } catch (error) {
        onError(error);
      } finally {
        filling = null;
        drain();
      }
    })();
    return filling;
  }

  function ingest(event: StoredEvent): void {
    if (position !== null && event.id <= position) return;
    waiting.set(event.id, event);
    drain();
  }

  return {
    /** Starts at the store's newest event: older ones are the store's to replay. */
    async start(): Promise<void> {
      position = await store.lastEventId();
      drain();
    },
    ingest,
    /** After the bus lost messages: deliver whatever the store has beyond the position. */
    catchUp: fill,
    /** The id of the last event delivered. */
    position(): number {
      if (position === null) throw new Error('the ordered log is not started');
      return position;
    },
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      waiting.clear();
    },
  };
}

export type OrderedLog = ReturnType<typeof createOrderedLog>;
