/**
 * The outbox: messages I wrote that the server has not acknowledged. A pure reducer, so the
 * state machine is testable; persisted by `createOutbox` so it survives a reload.
 *
 *   queued ──send──▶ sending ──ok──▶ acked ──its message.new event──▶ (removed)
 *     ▲                 │
 *     └──transient──────┤   network down, server restarting, rate limited: try again later
 *                       └──permanent──▶ failed ──retry──▶ queued
 *
 * Every attempt reuses the item's clientMessageId, and the server is idempotent on it, so a
 * retry after a lost response returns the original message instead of storing a second one.
 *
 * The stored message enters the caches one way only: through its `message.new` event, which
 * removes the item (`sent`). Until then an acknowledged item shows as sent; the event may also
 * come first, before the response.
 */
import type { Attachment } from '../lib/media.ts';
import type { Destination } from '../lib/protocol.ts';
import { createStore, type Store } from '../lib/store.ts';
import type { ReplyPreview } from './actions/quote.ts';

export type OutboxStatus = 'queued' | 'sending' | 'acked' | 'failed';

/** What the server answered for a stored message. */
export interface Acknowledged {
  id: string;
  seq: number;
  conversationId: string;
}

export interface OutboxItem {
  clientMessageId: string;
  /** The conversation, or (a direct conversation not opened yet) the person. */
  conversationId: string | null;
  to: string | null;
  text: string;
  /** Images already uploaded (the composer waits for its uploads before enqueueing). */
  attachments: Attachment[];
  /** The message it answers (absent in items stored before replies). */
  replyTo?: ReplyPreview | null;
  createdAt: number;
  status: OutboxStatus;
  attempts: number;
  error: string | null;
  /** After a transient failure: not before this time (ms epoch). */
  notBefore: number;
  /** Once the server stored it. */
  acked: Acknowledged | null;
}

/** Whether an item goes to this conversation (or, before it is known, to its peer). */
export function isFor(
  item: Pick<OutboxItem, 'conversationId' | 'to' | 'acked'>,
  conversationId: string | null,
  peerId: string | null,
): boolean {
  const target = item.acked?.conversationId ?? item.conversationId;
  if (target !== null) return target === conversationId;
  return item.to !== null && item.to === peerId;
}

export type OutboxAction =
  | {
      type: 'enqueue';
      clientMessageId: string;
      destination: Destination;
      text: string;
      attachments?: Attachment[];
      replyTo?: ReplyPreview | null;
      at: number;
    }
  | { type: 'sending'; id: string }
  | { type: 'acked'; id: string; message: Acknowledged }
  /** Its event arrived: the stored message is in the caches now. */
  | { type: 'sent'; id: string }
  /** After a full refetch: what the server acknowledged is in the fetched history. */
  | { type: 'dropAcked' }
  | { type: 'transient'; id: string; error: string; retryAt: number }
  | { type: 'failed'; id: string; error: string }
  | { type: 'retry'; id: string }
  | { type: 'discard'; id: string }
  /** After loading from storage: an attempt cut short by a reload is simply queued again. */
  | { type: 'restore' };

function update(items: OutboxItem[], id: string, patch: (item: OutboxItem) => OutboxItem) {
  let changed = false;
  const next = items.map((item) => {
    if (item.clientMessageId !== id) return item;
    changed = true;
    return patch(item);
  });
  return changed ? next : items;
}

export function outboxReducer(items: OutboxItem[], action: OutboxAction): OutboxItem[] {
  switch (action.type) {
    case 'enqueue':
      if (items.some((i) => i.clientMessageId === action.clientMessageId)) return items;
      return [
        ...items,
        {
          clientMessageId: action.clientMessageId,
          conversationId:
            'conversationId' in action.destination ? action.destination.conversationId : null,
          to: 'to' in action.destination ? action.destination.to : null,
          text: action.text,
          attachments: action.attachments ?? [],
          replyTo: action.replyTo ?? null,
          createdAt: action.at,
          status: 'queued',
          attempts: 0,
          error: null,
          notBefore: 0,
          acked: null,
        },
      ];
    case 'sending':
      return update(items, action.id, (i) =>
        i.status === 'queued' ? { ...i, status: 'sending', attempts: i.attempts + 1 } : i,
      );
    case 'acked':
      return update(items, action.id, (i) =>
        i.status === 'sending' ? { ...i, status: 'acked', error: null, acked: action.message } : i,
      );
    case 'dropAcked':
      return items.some((i) => i.status === 'acked')
        ? items.filter((i) => i.status !== 'acked')
        : items;
    case 'sent':
    case 'discard':
      return items.some((i) => i.clientMessageId === action.id)
        ? items.filter((i) => i.clientMessageId !== action.id)
        : items;
    case 'transient':
      return update(items, action.id, (i) => ({
        ...i,
        status: 'queued',
        error: action.error,
        notBefore: action.retryAt,
      }));
    case 'failed':
      return update(items, action.id, (i) => ({ ...i, status: 'failed', error: action.error }));
    case 'retry':
      return update(items, action.id, (i) =>
        i.status === 'failed' ? { ...i, status: 'queued', error: null, notBefore: 0 } : i,
      );
    case 'restore':
      return items.some((i) => i.status === 'sending')
        ? items.map((i) => (i.status === 'sending' ? { ...i, status: 'queued' } : i))
        : items;
  }
}

/**
 * The one item to send now, or null. Items go out one at a time in the order they were written;
 * a queued item waiting out its back-off holds the line (later ones must not overtake it), while
 * a failed one steps aside until retried.
 */
export function nextToSend(items: readonly OutboxItem[], now: number): OutboxItem | null {
  if (items.some((i) => i.status === 'sending')) return null;
  const first = items.find((i) => i.status === 'queued');
  return first && first.notBefore <= now ? first : null;
}

/** When the head of the line may be tried again; null when there is nothing waiting. */
export function nextAttemptAt(items: readonly OutboxItem[]): number | null {
  if (items.some((i) => i.status === 'sending')) return null;
  const first = items.find((i) => i.status === 'queued');
  return first ? first.notBefore : null;
}

/** Back-off after the n-th failed attempt: 1 s, 2 s, 4 s, ... up to 15 s. */
export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 15_000);
}

export interface SendErrorVerdict {
  permanent: boolean;
  message: string;
  retryAfterMs?: number;
}

const PERMANENT = new Set([
  'BAD_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
]);

/** Whether trying again can help: bad input never will; the network or a restart will pass. */
export function classifySendError(error: unknown): SendErrorVerdict {
  const data = (
    error as {
      data?: {
        code?: string;
        retryAfterSeconds?: number | null;
        fieldErrors?: Record<string, string[]> | null;
      };
    } | null
  )?.data;
  const field = Object.values(data?.fieldErrors ?? {})[0]?.[0];
  const message = field ?? (error instanceof Error ? error.message : 'Could not send.');
  if (data?.code && PERMANENT.has(data.code)) return { permanent: true, message };
  if (data?.code === 'TOO_MANY_REQUESTS') {
    return { permanent: false, message, retryAfterMs: (data.retryAfterSeconds ?? 1) * 1000 };
  }
  return { permanent: false, message: data?.code ? message : 'Waiting for the connection…' };
}

function isItem(value: unknown): value is OutboxItem {
  const v = value as Partial<OutboxItem> | null;
  return (
    !!v &&
    typeof v.clientMessageId === 'string' &&
    (typeof v.to === 'string' || typeof v.conversationId === 'string') &&
    typeof v.text === 'string' &&
    typeof v.createdAt === 'number' &&
    (v.status === 'queued' ||
      v.status === 'sending' ||
      v.status === 'acked' ||
      v.status === 'failed')
  );
}

export interface Outbox extends Store<OutboxItem[]> {
  dispatch(action: OutboxAction): void;
}

/** The outbox of one user, kept in `storage` under `key` so it survives a reload. */
export function createOutbox(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  key: string,
): Outbox {
  let initial: OutboxItem[] = [];
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '[]');
    if (Array.isArray(parsed)) {
      initial = parsed.filter(isItem).map((i) => ({
        ...i,
        // Items saved before conversations had ids went `to` a person.
        conversationId: typeof i.conversationId === 'string' ? i.conversationId : null,
        to: typeof i.to === 'string' ? i.to : null,
        acked: i.status === 'acked' ? i.acked : null,
        attempts: Number(i.attempts) || 0,
        // Items saved before attachments existed have none.
        attachments: Array.isArray(i.attachments) ? i.attachments : [],
        error: i.error ?? null,
        notBefore: 0,
      }));
    }
  } catch {
    initial = [];
  }
  const store = createStore(outboxReducer(initial, { type: 'restore' }));
  store.subscribe(() => {
    try {
      storage?.setItem(key, JSON.stringify(store.get()));
    } catch {
      // Storage full or disabled: the outbox still works for this page's lifetime.
    }
  });
  return { ...store, dispatch: (action) => store.set((items) => outboxReducer(items, action)) };
}

/**
 * Drives the outbox: sends the head of the line while `canSend()` holds, one request at a time,
 * and schedules itself for back-offs. Call `kick()` whenever sending may have become possible
 * (enqueue, retry, connection back).
 */
export function createOutboxRunner(deps: {
  outbox: Outbox;
  send: (item: OutboxItem) => Promise<Acknowledged>;
  onFailed?: (item: OutboxItem, message: string) => void;
  canSend: () => boolean;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = null;
    const at = nextAttemptAt(deps.outbox.get());
    if (at === null || stopped) return;
    timer = setTimeout(() => void kick(), Math.max(0, at - now()) + 10);
  }

  async function kick(): Promise<void> {
    if (running || stopped) return;
    running = true;
    let blocked = false;
    try {
      for (;;) {
        // Offline: wait for the next kick (the connection coming back), not for a timer.
        if (!deps.canSend()) {
          blocked = true;
          break;
        }
        const item = nextToSend(deps.outbox.get(), now());
        if (!item) break;
        deps.outbox.dispatch({ type: 'sending', id: item.clientMessageId });
        try {
          const message = await deps.send(item);
          deps.outbox.dispatch({ type: 'acked', id: item.clientMessageId, message });
        } catch (error) {
          const verdict = classifySendError(error);
          if (verdict.permanent) {
            deps.outbox.dispatch({
              type: 'failed',
              id: item.clientMessageId,
              error: verdict.message,
            });
            deps.onFailed?.(item, verdict.message);
          } else {
            const wait = verdict.retryAfterMs ?? backoffMs(item.attempts + 1);
            deps.outbox.dispatch({
              type: 'transient',
              id: item.clientMessageId,
              error: verdict.message,
              retryAt: now() + wait,
            });
          }
        }
      }
    } finally {
      running = false;
      if (blocked) {
        if (timer) clearTimeout(timer);
        timer = null;
      } else schedule();
    }
  }

  return {
    kick,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
