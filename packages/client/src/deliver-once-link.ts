import type { ChatEvent } from '@parley/api';
import type { AppRouter } from './router.ts';
import { isRepeatedEvent } from '@parley/api/protocol';
import type { TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';

type EventItem = { id: string; data: ChatEvent };

/** The `chat.events` item an operation result carries, if it carries one. */
function eventItem(result: unknown): EventItem | null {
  const { type, data } = result as { type?: unknown; data?: unknown };
  // wsLink marks data results `type: 'data'`; httpSubscriptionLink gives them no type.
  if ((type !== 'data' && type !== undefined) || typeof data !== 'object' || data === null)
    return null;
  const item = data as Partial<EventItem>;
  return typeof item.id === 'string' && typeof item.data === 'object' ? (item as EventItem) : null;
}

/**
 * Delivers each durable `chat.events` event once per subscription, in order: drops any item that
 * repeats what the subscription already delivered (see `isRepeatedEvent`), as a reconnecting
 * socket and its replacement can both carry some of the same events. Put it before `wsLink` (or
 * `httpSubscriptionLink`).
 */
export function deliverOnceLink(): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) => {
      if (op.type !== 'subscription' || op.path !== 'chat.events') return next(op);
      return observable((observer) => {
        let lastDelivered: string | null = null;
        const subscription = next(op).subscribe({
          next(value) {
            const item = eventItem(value.result);
            if (item) {
              if (isRepeatedEvent(item, lastDelivered)) return;
              lastDelivered = item.id;
            }
            observer.next(value);
          },
          error: (error) => observer.error(error),
          complete: () => observer.complete(),
        });
        return () => subscription.unsubscribe();
      });
    };
}
