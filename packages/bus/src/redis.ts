import { Redis } from 'ioredis';
import superjson from 'superjson';
import type { Bus, BusHandler, BusMessage } from './bus.ts';

/**
 * The Redis bus: one connection publishes, one subscribes (ioredis resubscribes after a
 * reconnect). Messages are superjson so Dates survive.
 */
export async function createRedisBus(url: string): Promise<Bus> {
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscriber = new Redis(url, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const topics = new Map<string, Set<BusHandler>>();

  subscriber.on('message', (topic: string, payload: string) => {
    const handlers = topics.get(topic);
    if (!handlers) return;
    const message = superjson.parse(payload);
    for (const handler of [...handlers]) handler(message);
  });

  return {
    kind: 'redis',
    async publish(topic: string, message: BusMessage) {
      await publisher.publish(topic, superjson.stringify(message));
    },
    async subscribe(topic: string, handler: BusHandler) {
      let handlers = topics.get(topic);
      if (!handlers) {
        topics.set(topic, (handlers = new Set()));
        await subscriber.subscribe(topic);
      }
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size > 0 || topics.get(topic) !== handlers) return;
        topics.delete(topic);
        subscriber.unsubscribe(topic).catch(() => undefined);
      };
    },
    async close() {
      topics.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
