/** Something a bus carries: plain data that survives a JSON (superjson) round trip. */
export type BusMessage = unknown;

export type BusHandler = (message: BusMessage) => void;

/**
 * The realtime fan-out port: publish/subscribe on named topics across every process.
 * Delivery is at-most-once and best-effort; anything that must not be lost is also in the
 * store and is recovered through the event stream's replay.
 */
export interface Bus {
  readonly kind: 'local' | 'redis';
  /** Resolves once the message is handed to every process (or rejects: never silently dropped). */
  publish(topic: string, message: BusMessage): Promise<void>;
  /** Starts delivering the topic's messages; resolves once the subscription is live. */
  subscribe(topic: string, handler: BusHandler): Promise<() => void>;
  close(): Promise<void>;
}
