import type { AppRouter } from '@parley/api';
import type { TRPCLink, TRPCWebSocketClient } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';

function reconnecting(socket: TRPCWebSocketClient): boolean {
  const state = socket.connectionState.get();
  return state.state === 'connecting' && state.error !== null;
}

/**
 * Holds queries and mutations made while the socket reconnects until it is open again.
 *
 * tRPC's WebSocket client opens a socket for a call made during a reconnect, then its reconnect
 * loop closes that socket (code 1005) to open its own: the call fails ("Unknown error"), and in
 * a storm every client churns through several sockets. Held back, the call goes out once, on
 * the reconnected socket. Subscriptions pass straight through: the client resends them itself.
 */
export function holdWhileReconnecting(socket: TRPCWebSocketClient): TRPCLink<AppRouter> {
  const held = new Set<() => void>();
  // One watcher for every held call: the state's observer list must not change while it notifies.
  socket.connectionState.subscribe({
    next: () => {
      if (reconnecting(socket)) return;
      const released = [...held];
      held.clear();
      for (const forward of released) forward();
    },
  });
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let forwarded: Unsubscribable | null = null;
        const forward = () => {
          forwarded = next(op).subscribe(observer);
        };
        if (op.type === 'subscription' || !reconnecting(socket)) forward();
        else held.add(forward);
        return () => {
          held.delete(forward);
          forwarded?.unsubscribe();
        };
      });
}
