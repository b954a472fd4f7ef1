import type { Bus, BusHandler, BusMessage } from './bus.ts';

/** The in-process bus: for a single server process. */
export function createLocalBus(): Bus {
  const topics = new Map<string, Set<BusHandler>>();
  return {
    kind: 'local',
    async publish(topic: string, message: BusMessage) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      for (const handler of [...handlers]) handler(message);
    },
    async subscribe(topic: string, handler: BusHandler) {
      let handlers = topics.get(topic);
      if (!handlers) topics.set(topic, (handlers = new Set()));
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0) topics.delete(topic);
      };
    },
    async close() {
      topics.clear();
    },
  };
}
