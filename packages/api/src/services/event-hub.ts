import type { Bus } from '@parley/bus';
import type { LastSeenVisibility, MembershipPeriod, Store, StoredEvent } from '@parley/db';
import {
  LIVE_TOPIC,
  LOG_TOPIC,
  type ChatEvent,
  type LiveMessage,
  type LogMessage,
} from '../events.ts';
import { createOrderedLog } from './ordered-log.ts';

/** What a listener receives: durable events with their id, ephemeral ones without. */
export interface HubItem {
  id?: number;
  data: ChatEvent;
}

/** A stretch of a conversation a listener sees: event ids from `from` to `to`, inclusive. */
interface Span {
  from: number;
  to: number | null;
}

interface Listener {
  userId: string;
  /** The user's own last-seen choice: symmetric, it decides whose presence they see. */
  presence: LastSeenVisibility;
  push: (item: HubItem) => void;
  /** Per conversation; null until `activate` gave the user's membership periods. */
  spans: Map<string, Span[]> | null;
  /** Events dispatched before `activate`, to be filtered by the periods it brings. */
  pending: StoredEvent[];
}

const spanAt = (spans: Span[] | undefined, id: number) =>
  spans?.find((s) => s.from <= id && (s.to === null || id <= s.to));

const isOpen = (spans: Span[] | undefined) => spans?.some((s) => s.to === null) ?? false;

/**
 * The live half of every user's event stream, for the listeners of this process: committed
 * events from every process, in log order, each to the listeners whose user may see it (a
 * member of its conversation at that event, or the user it concerns), and ephemeral events to
 * the current members of their conversations. One publish per event, whatever the number of
 * members: the membership of this process's listeners is kept here, updated by the events
 * themselves in log order, so it is exactly what the store's replay would compute.
 */
export function createEventHub(deps: {
  store: Pick<Store, 'lastEventId' | 'listEvents'>;
  bus: Bus;
  onError: (error: unknown) => void;
  gapMs?: number;
  /** Also hands each batch of committed events, as published here, to this (Web Push). */
  onPublish?: (events: StoredEvent[]) => void;
}) {
  const { bus, onError } = deps;
  const byUser = new Map<string, Set<Listener>>();
  const byConversation = new Map<string, Set<Listener>>();
  /** Listeners not yet activated: they hold every event until they know what they may see. */
  const pendingListeners = new Set<Listener>();
  /** Removals seen arriving but not yet dispatched: ephemeral events stop at once. */
  const leftEarly = new Set<string>();
  const unsubscribes: (() => void)[] = [];

  const memberKey = (conversationId: string, userId: string) => `${conversationId}\n${userId}`;

  function index(listener: Listener, conversationId: string): void {
    let set = byConversation.get(conversationId);
    if (!set) byConversation.set(conversationId, (set = new Set()));
    set.add(listener);
  }

  function unindex(listener: Listener, conversationId: string): void {
    const set = byConversation.get(conversationId);
    set?.delete(listener);
    if (set?.size === 0) byConversation.delete(conversationId);
  }

  /** Applies the event's membership changes to one listener (joins before, leaves after delivery). */
  function join(listener: Listener, event: StoredEvent): void {
    const { conversationId, members } = event;
    if (!listener.spans || !conversationId || !members?.joined.includes(listener.userId)) return;
    const spans = listener.spans.get(conversationId) ?? [];
    if (spanAt(spans, event.id)) return;
    spans.push({ from: event.id, to: null });
    listener.spans.set(conversationId, spans);
    index(listener, conversationId);
  }

  function leave(listener: Listener, event: StoredEvent): void {
    const { conversationId, members } = event;
    if (!listener.spans || !conversationId || !members?.left.includes(listener.userId)) return;
    const spans = listener.spans.get(conversationId);
    const span = spanAt(spans, event.id);
    if (span && span.to === null) span.to = event.id;
    if (!isOpen(spans)) unindex(listener, conversationId);
  }

  function sees(listener: Listener, event: StoredEvent): boolean {
    if (event.userId !== null) return event.userId === listener.userId;
    return spanAt(listener.spans?.get(event.conversationId ?? ''), event.id) !== undefined;
  }

  /** One listener, one event, in log order (also used to work off a listener's pending events). */
  function offer(listener: Listener, event: StoredEvent): void {
    if (event.data.type === 'settings.changed' && event.userId === listener.userId)
      listener.presence = event.data.settings.lastSeen;
    join(listener, event);
    if (sees(listener, event) && !event.except?.includes(listener.userId))
      listener.push({ id: event.id, data: event.data });
    leave(listener, event);
  }

  function dispatch(event: StoredEvent): void {
    const recipients = new Set<Listener>();
    for (const userId of event.members?.joined ?? [])
      for (const listener of byUser.get(userId) ?? []) recipients.add(listener);
    const scope =
      event.userId !== null
        ? byUser.get(event.userId)
        : byConversation.get(event.conversationId ?? '');
    for (const listener of scope ?? []) recipients.add(listener);
    for (const userId of event.members?.left ?? []) {
      leftEarly.delete(memberKey(event.conversationId ?? '', userId));
      for (const listener of byUser.get(userId) ?? []) recipients.add(listener);
    }
    for (const listener of recipients) if (listener.spans) offer(listener, event);
    for (const listener of pendingListeners) listener.pending.push(event);
  }

  const log = createOrderedLog({
    store: deps.store,
    deliver: dispatch,
    onError,
    gapMs: deps.gapMs,
  });

  function arrive(event: StoredEvent): void {
    for (const userId of event.members?.left ?? [])
      leftEarly.add(memberKey(event.conversationId ?? '', userId));
    log.ingest(event);
  }

  function deliverLive(message: LiveMessage): void {
    const recipients = new Set<Listener>();
    const presence = message.data.type === 'presence';
    for (const conversationId of message.conversationIds) {
      for (const listener of byConversation.get(conversationId) ?? []) {
        if (listener.userId === message.from || message.except?.includes(listener.userId)) continue;
        if (leftEarly.has(memberKey(conversationId, listener.userId))) continue;
        if (presence && !seesPresence(listener, message, conversationId)) continue;
        if (isOpen(listener.spans?.get(conversationId))) recipients.add(listener);
      }
    }
    if (message.toSelf)
      for (const listener of byUser.get(message.from) ?? []) recipients.add(listener);
    for (const userId of message.to ?? [])
      for (const listener of byUser.get(userId) ?? []) recipients.add(listener);
    for (const listener of recipients) listener.push({ data: message.data });
  }

  /** Symmetric privacy: hiding one's own last seen hides everyone's; "contacts" see contacts'. */
  function seesPresence(listener: Listener, message: LiveMessage, conversationId: string): boolean {
    if (listener.presence === 'everyone') return true;
    return listener.presence === 'contacts' && (message.direct?.includes(conversationId) ?? false);
  }

  return {
    /** Listens on the bus, then starts at the store's newest event. */
    async start(): Promise<void> {
      unsubscribes.push(await bus.subscribe(LOG_TOPIC, (m) => arrive(m as LogMessage)));
      unsubscribes.push(await bus.subscribe(LIVE_TOPIC, (m) => deliverLive(m as LiveMessage)));
      const stopResync = bus.onResync?.(() => void log.catchUp());
      if (stopResync) unsubscribes.push(stopResync);
      await log.start();
    },

    /** Hands committed events (in commit order) to this process's listeners and to every other process. */
    publish(events: StoredEvent[]): void {
      for (const event of events) {
        arrive(event);
        bus.publish(LOG_TOPIC, event satisfies LogMessage).catch(onError);
      }
      deps.onPublish?.(events);
    },

    /** Hands an ephemeral event to the current members of its conversations, on every process. */
    publishLive(message: LiveMessage): void {
      bus.publish(LIVE_TOPIC, message).catch(onError);
    },

    /**
     * A listener for the user's events after the hub's position now (`position`). It holds what
     * comes until `activate` gives the user's membership periods (read after listening, so they
     * cover at least every event up to `position`); then it receives exactly the user's events.
     */
    listen(userId: string, push: (item: HubItem) => void) {
      const listener: Listener = { userId, presence: 'everyone', push, spans: null, pending: [] };
      let listeners = byUser.get(userId);
      if (!listeners) byUser.set(userId, (listeners = new Set()));
      listeners.add(listener);
      pendingListeners.add(listener);
      return {
        position: log.position(),
        activate(periods: MembershipPeriod[], presence: LastSeenVisibility): void {
          listener.presence = presence;
          const spans = new Map<string, Span[]>();
          for (const p of periods) {
            const list = spans.get(p.conversationId) ?? [];
            list.push({ from: p.fromEventId, to: p.toEventId });
            spans.set(p.conversationId, list);
          }
          listener.spans = spans;
          pendingListeners.delete(listener);
          for (const [conversationId, list] of spans)
            if (isOpen(list)) index(listener, conversationId);
          const pending = listener.pending;
          listener.pending = [];
          for (const event of pending) offer(listener, event);
        },
        close(): void {
          pendingListeners.delete(listener);
          listeners.delete(listener);
          if (listeners.size === 0) byUser.delete(userId);
          for (const conversationId of listener.spans?.keys() ?? [])
            unindex(listener, conversationId);
        },
      };
    },

    position: () => log.position(),

    stop(): void {
      log.stop();
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
