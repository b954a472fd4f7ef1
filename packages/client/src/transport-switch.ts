import type { TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from './router.ts';

/**
 * Falls back from the WebSocket to HTTP (Server-Sent Events for subscriptions, batched requests
 * for the rest) when the WebSocket cannot open — a proxy that blocks upgrades — while HTTP gets
 * through.
 *
 * Until a socket has opened once, a socket that fails before opening makes it ask `probe()`
 * whether the server answers over HTTP; if it does, the client switches to HTTP for the rest of
 * its life: the operations waiting for the socket are sent again over HTTP (none of them reached
 * the server), and `onSwitch` closes the WebSocket client. If HTTP does not answer either (the
 * server is down), the operations fail as they would have, and the socket keeps reconnecting.
 */
export function createTransportSwitch(opts: {
  probe: () => Promise<boolean>;
  onSwitch: () => void;
}) {
  let mode: 'websocket' | 'http' = 'websocket';
  let socketOpened = false;
  let deciding: Promise<void> | null = null;
  const waiting = new Set<{ reroute(): void; release(): void }>();

  function failedBeforeOpen() {
    if (socketOpened || mode === 'http') return;
    deciding ??= opts
      .probe()
      .catch(() => false)
      .then((reachable) => {
        const entries = [...waiting];
        if (reachable && !socketOpened) {
          mode = 'http';
          for (const entry of entries) entry.reroute();
          opts.onSwitch();
        } else for (const entry of entries) entry.release();
      })
      .finally(() => (deciding = null));
  }

  return {
    get mode() {
      return mode;
    },
    /** Wraps the WebSocket class to see sockets open, or fail before they open. */
    watch<T extends abstract new (...args: never[]) => EventTarget>(WebSocketImpl: T): T {
      const Base = WebSocketImpl as unknown as new (...args: unknown[]) => EventTarget;
      class Watched extends Base {
        constructor(...args: unknown[]) {
          super(...args);
          let opened = false;
          this.addEventListener('open', () => {
            opened = true;
            socketOpened = true;
          });
          const failed = () => {
            if (!opened) failedBeforeOpen();
          };
          this.addEventListener('error', failed);
          this.addEventListener('close', failed);
        }
      }
      return Watched as unknown as T;
    },
    /** Put it above the link that chooses by `mode`. */
    link:
      (): TRPCLink<AppRouter> =>
      () =>
      ({ op, next }) =>
        observable((observer) => {
          let downstream: Unsubscribable | null = null;
          let overSocket = false;
          let held: unknown = null;
          let done = false;
          let routes = 0;
          const entry = {
            reroute() {
              if (done || !overSocket) return;
              // Silence the old route first: unsubscribing it may complete it.
              routes += 1;
              downstream?.unsubscribe();
              held = null;
              start();
            },
            release() {
              if (done || held === null) return;
              finish();
              observer.error(held as never);
            },
          };
          const finish = () => {
            done = true;
            waiting.delete(entry);
          };
          function start() {
            overSocket = mode === 'websocket';
            if (overSocket && !socketOpened) waiting.add(entry);
            else waiting.delete(entry);
            // Only the latest route speaks: a rerouted one may still call back as it winds down.
            const route = ++routes;
            const current = () => route === routes && !done;
            downstream = next(op).subscribe({
              next: (value) => {
                if (current()) observer.next(value);
              },
              error: (error) => {
                if (!current()) return;
                // Failed before any socket opened: wait for the verdict (HTTP may get through).
                if (overSocket && !socketOpened && mode === 'websocket' && deciding) {
                  held = error;
                  return;
                }
                finish();
                observer.error(error);
              },
              complete: () => {
                if (!current()) return;
                finish();
                observer.complete();
              },
            });
          }
          start();
          return () => {
            finish();
            downstream?.unsubscribe();
          };
        }),
  };
}
