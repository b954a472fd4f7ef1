import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import superjson from 'superjson';
import { BusPublishError, type Bus, type BusHandler, type BusMessage } from './bus.ts';

export interface RedisBusOptions {
  /** How long a publish keeps retrying (with backoff) before it rejects. Default 5 s. */
  publishRetryMs?: number;
  /** The bound on one command of the command connection (a publish attempt, a presence update). Default 2 s. */
  commandTimeoutMs?: number;
  /** Connection problems and handler failures (the bus itself never throws them at anyone). */
  onError?: (error: unknown) => void;
}

/** The Redis bus, plus its command connection for the other shared state (presence, rate limits). */
export interface RedisBus extends Bus {
  readonly kind: 'redis';
  /** A regular (non-subscriber) connection: commands fail fast while Redis is unreachable. */
  readonly redis: Redis;
  onResync(listener: () => void): () => void;
}

/** For messages and logs: the URL without its password. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)[^@/]*@/, '$1***@');
}

/** Reconnects quickly (Redis restarts take about a second) and never gives up. */
const retryStrategy = (times: number) => Math.min(times * 100, 1000);

const backoff = (attempt: number) => Math.min(50 * 2 ** (attempt - 1), 1000);

/**
 * The Redis bus: one connection publishes (and serves the other shared state), one subscribes.
 *
 * - A publish is tried again with backoff while Redis is unreachable, for at most `publishRetryMs`,
 *   then rejects with a `BusPublishError`: never dropped silently. There is no hidden offline
 *   queue on the publishing connection, so a message is not sent twice by a late flush.
 * - Subscriptions survive a reconnect (ioredis resubscribes, and the bus subscribes again to be
 *   sure); once they are live again, `onResync` listeners are told so that event streams replay
 *   from the store whatever was published while this process was not listening.
 * - Messages are superjson, so Dates survive.
 */
export async function createRedisBus(
  url: string,
  options: RedisBusOptions = {},
): Promise<RedisBus> {
  const publishRetryMs = options.publishRetryMs ?? 5000;
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const shared: RedisOptions = { lazyConnect: true, retryStrategy, connectTimeout: 5000 };
  const publisher = new Redis(url, {
    ...shared,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2000,
  });
  // Subscriptions wait for the connection rather than fail: they are long-lived.
  const subscriber = new Redis(url, {
    ...shared,
    maxRetriesPerRequest: null,
    autoResubscribe: true,
  });

  let closed = false;
  let started = false;
  const topics = new Map<string, { handlers: Set<BusHandler>; live: Promise<void> }>();
  const resyncListeners = new Set<() => void>();

  for (const [name, connection] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    // One report per outage, not one per reconnection attempt.
    let reported = false;
    connection.on('error', (error: Error) => {
      // Before the first connection the error is thrown to the caller instead.
      if (closed || reported || !started) return;
      reported = true;
      onError(
        new Error(`Redis ${name} connection to ${redactRedisUrl(url)} failed: ${error.message}`, {
          cause: error,
        }),
      );
    });
    connection.on('ready', () => (reported = false));
  }

  let connectedOnce = false;
  subscriber.on('ready', () => {
    if (!connectedOnce) {
      connectedOnce = true;
      return;
    }
    void resubscribed();
  });

  async function resubscribed() {
    const names = [...topics.keys()];
    try {
      // Redundant with ioredis' auto-resubscribe (a no-op for Redis), but once this resolves
      // every topic is live again, whatever ioredis managed before.
      if (names.length > 0) await subscriber.subscribe(...names);
    } catch (error) {
      if (!closed) onError(error);
      return; // the next 'ready' tries again
    }
    for (const listener of [...resyncListeners]) {
      try {
        listener();
      } catch (error) {
        onError(error);
      }
    }
  }

  subscriber.on('message', (topic: string, payload: string) => {
    const entry = topics.get(topic);
    if (!entry) return;
    let message: BusMessage;
    try {
      message = superjson.parse(payload);
    } catch (error) {
      onError(new Error(`unreadable bus message on "${topic}"`, { cause: error }));
      return;
    }
    for (const handler of [...entry.handlers]) {
      try {
        handler(message);
      } catch (error) {
        onError(error);
      }
    }
  });

  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    started = true;
  } catch (error) {
    closed = true;
    publisher.disconnect();
    subscriber.disconnect();
    throw new Error(
      `cannot connect to Redis at ${redactRedisUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }

  /** QUIT when Redis answers; in any case no reconnection is left scheduled. */
  async function shut(connection: Redis) {
    if (connection.status === 'ready') {
      const timeout = sleep(1000, 'timeout', { ref: false });
      await Promise.race([connection.quit().catch(() => undefined), timeout]);
    }
    if (connection.status !== 'end') connection.disconnect();
  }

  return {
    kind: 'redis',
    redis: publisher,

    async publish(topic: string, message: BusMessage) {
      const payload = superjson.stringify(message);
      const deadline = Date.now() + publishRetryMs;
      for (let attempt = 1; ; attempt++) {
        if (closed)
          throw new BusPublishError(topic, attempt - 1, { cause: new Error('the bus is closed') });
        try {
          await publisher.publish(topic, payload);
          return;
        } catch (error) {
          const wait = backoff(attempt);
          if (closed || Date.now() + wait >= deadline)
            throw new BusPublishError(topic, attempt, { cause: error });
          await sleep(wait);
        }
      }
    },

    async subscribe(topic: string, handler: BusHandler) {
      if (closed) throw new Error('the bus is closed');
      let entry = topics.get(topic);
      if (!entry) {
        entry = { handlers: new Set(), live: subscriber.subscribe(topic).then(() => undefined) };
        topics.set(topic, entry);
      }
      const current = entry;
      const wrapped: BusHandler = (message) => handler(message);
      current.handlers.add(wrapped);
      const unsubscribe = () => {
        if (!current.handlers.delete(wrapped)) return;
        if (current.handlers.size > 0 || topics.get(topic) !== current) return;
        topics.delete(topic);
        if (!closed)
          subscriber.unsubscribe(topic).catch((error: unknown) => closed || onError(error));
      };
      try {
        await current.live;
      } catch (error) {
        // Every caller waiting on this subscription fails with it; the next one starts afresh.
        if (topics.get(topic) === current) topics.delete(topic);
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },

    onResync(listener: () => void) {
      resyncListeners.add(listener);
      return () => void resyncListeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      topics.clear();
      resyncListeners.clear();
      await Promise.all([shut(publisher), shut(subscriber)]);
    },
  };
}
