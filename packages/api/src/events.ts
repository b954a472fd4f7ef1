import type { DurableEventData } from '@parley/db';

/** Ephemeral events: never stored, never replayed. */
export type EphemeralEvent =
  | { type: 'typing'; userId: string; isTyping: boolean }
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: Date | null }
  /** Sent on every (re)subscribe: which of my contacts are online right now. */
  | { type: 'presence.snapshot'; online: string[] }
  /** Sent once replay is done: from here on events are live. Refetch lists if you cache them. */
  | { type: 'ready'; lastEventId: string };

/** Everything `chat.events` yields. Each arrives as `{ id, data }`; `id` is the resume point. */
export type ChatEvent = DurableEventData | EphemeralEvent;

/** What travels on the bus to a user's topic: durable events carry their stored id. */
export interface UserBusMessage {
  id?: number;
  data: ChatEvent;
}

export const userTopic = (userId: string) => `user:${userId}`;
export const SESSION_REVOKED_TOPIC = 'session.revoked';
