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
  /**
   * Buses that can miss messages (a dropped connection) call `listener` once they are live again:
   * subscribers then recover what they may have missed from the store. Returns the unlisten.
   * The in-process bus never misses anything and does not implement it.
   */
  onResync?(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A publish that still failed after its bounded retries. */
export class BusPublishError extends Error {
  override name = 'BusPublishError';
  constructor(
    readonly topic: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(
      `could not publish on "${topic}" after ${attempts} attempts: ${messageOf(options.cause)}`,
      options,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
