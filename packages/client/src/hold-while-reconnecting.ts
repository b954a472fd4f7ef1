import type { AppRouter } from './router.ts';
import type { TRPCLink, TRPCWebSocketClient } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';

/**
 * Whether an operation sent now would make tRPC's client open a socket beside the one it is
 * replacing: while it reconnects (back-off included), and while its socket is closing but the
 * client has not yet heard the close (which will start the reconnect).
 */
function mustWait(socket: TRPCWebSocketClient): boolean {
  const state = socket.connectionState.get();
  if (state.state === 'connecting' && state.error !== null) return true;
  return socket.connection?.state === 'closed';
}

/**
 * Holds operations made while the socket reconnects until it is open again.
 *
 * tRPC's WebSocket client opens a socket for an operation made while its socket is closing or
 * during its reconnect back-off, then its reconnect loop closes that socket (code 1005) to open
 * its own: the operation fails ("Unknown error" or "Active connection is not open"), the late
 * close of the extra socket makes the loop close the healthy one too, and in a storm every
 * client churns through several sockets. Held back, the operation goes out once, on the
 * reconnected socket. (The client resends the subscriptions it already had by itself.)
 */
export function holdWhileReconnecting(socket: TRPCWebSocketClient): TRPCLink<AppRouter> {
  const held = new Set<() => void>();
  let watched: unknown = null;

  function release() {
    if (mustWait(socket)) return watchClosing();
    const released = [...held];
    held.clear();
    for (const forward of released) forward();
  }

  /** A closing socket changes no state until its close is heard: listen for it (after tRPC). */
  function watchClosing() {
    const connection = socket.connection;
    if (connection?.state !== 'closed' || connection.ws === watched) return;
    watched = connection.ws;
    connection.ws.addEventListener('close', release, { once: true });
  }

  // One watcher for every held call: the state's observer list must not change while it notifies.
  socket.connectionState.subscribe({ next: release });
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let forwarded: Unsubscribable | null = null;
        const forward = () => {
          forwarded = next(op).subscribe(observer);
        };
        if (!mustWait(socket)) forward();
        else {
          held.add(forward);
          watchClosing();
        }
        return () => {
          held.delete(forward);
          forwarded?.unsubscribe();
        };
      });
}
