/** What tRPC's WebSocket client uses of a socket that this class changes. */
interface Listening {
  addEventListener(type: string, listener: unknown, options?: unknown): void;
  removeEventListener(type: string, listener: unknown, options?: unknown): void;
  close(...args: unknown[]): void;
}

type Listener = ((this: unknown, event: unknown) => void) | { handleEvent(event: unknown): void };

const isListener = (value: unknown): value is Listener =>
  typeof value === 'function' || (typeof value === 'object' && value !== null);

/**
 * A WebSocket class for tRPC's `createWSClient({ WebSocket })` in which a socket the client closed
 * itself falls silent once the client has opened a newer one: no more messages, close or error
 * events from it.
 *
 * tRPC's client listens to every socket it ever opened. When its reconnect loop closes one and
 * opens another (a call made during the reconnect back-off opened an extra socket, or the loop
 * restarted), the old socket keeps delivering what arrives until its closing handshake ends:
 * subscription events that the new socket replays again (so `onData` sees them twice), and a
 * late close event that fails the calls in flight on the new socket ("Unknown error") and makes
 * the loop close that healthy socket too. Silenced, the stream is only ever served by the newest
 * socket. A socket that closes without being replaced, or that the network or the server closed,
 * is heard as before, so the client still notices and reconnects. Use one class per
 * `createWSClient`.
 */
export function silenceReplacedSockets<T extends abstract new (...args: never[]) => Listening>(
  WebSocketImpl: T,
): T {
  const Base = WebSocketImpl as unknown as new (...args: never[]) => Listening;
  /** Sockets made so far; each knows its number, so the newest is the one numbered `made`. */
  let made = 0;

  class Replaceable extends Base {
    readonly #guarded = new WeakMap<Listener, (event: unknown) => void>();
    readonly #number = ++made;
    #closedByClient = false;

    override addEventListener(type: string, listener: unknown, options?: unknown): void {
      if (type === 'open' || !isListener(listener)) {
        super.addEventListener(type, listener, options);
        return;
      }
      const guarded = (event: unknown) => {
        if (this.#closedByClient && this.#number !== made) return;
        if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      };
      this.#guarded.set(listener, guarded);
      super.addEventListener(type, guarded, options);
    }

    override close(...args: unknown[]): void {
      this.#closedByClient = true;
      super.close(...args);
    }

    override removeEventListener(type: string, listener: unknown, options?: unknown): void {
      const guarded = isListener(listener) ? this.#guarded.get(listener) : undefined;
      super.removeEventListener(type, guarded ?? listener, options);
    }
  }
  return Replaceable as unknown as T;
}
