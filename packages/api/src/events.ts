import type { DurableEventData, StoredEvent } from '@parley/db';
import type { Profile } from './services/users.ts';

/** Ephemeral events: never stored, never replayed. */
export type EphemeralEvent =
  /** Someone in the conversation started or stopped typing (it expires by itself after 5 s). */
  | { type: 'typing'; conversationId: string; userId: string; isTyping: boolean }
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: Date | null }
  /** Sent on every (re)subscribe: which of the people I share conversations with are online. */
  | { type: 'presence.snapshot'; online: string[] }
  /** Someone I share a conversation with (or I, on another device) changed name, bio or picture. */
  | { type: 'user.updated'; user: Profile }
  /** Sent once replay is done: from here on events are live. Refetch lists if you cache them. */
  | { type: 'ready'; lastEventId: string };

/** Everything `chat.events` yields. Each arrives as `{ id, data }`; `id` is the resume point. */
export type ChatEvent = DurableEventData | EphemeralEvent;

/** The bus topic of the event log: every committed durable event, once, for every process. */
export const LOG_TOPIC = 'log';
/** The bus topic of ephemeral events, each addressed to conversations (see LiveMessage). */
export const LIVE_TOPIC = 'live';
export const SESSION_REVOKED_TOPIC = 'session.revoked';

/** A durable event as the log topic carries it. */
export type LogMessage = StoredEvent;

/**
 * An ephemeral event as the live topic carries it: for the current members of `conversationIds`
 * (each listener once), never for `from`'s own sockets.
 */
export interface LiveMessage {
  from: string;
  conversationIds: string[];
  /** Never to these users (whom `from` blocked, or who blocked them). */
  except?: string[];
  /**
   * Presence only: which of `conversationIds` are conversations of two — someone who shows their
   * presence to contacts only sees `from`'s only through one of these.
   */
  direct?: string[];
  /** Also to `from`'s own sessions (their other tabs and devices follow their own change). */
  toSelf?: true;
  /** Also to these users' sessions, wherever they are (what a block or an unblock changed). */
  to?: string[];
  data: Exclude<EphemeralEvent, { type: 'presence.snapshot' | 'ready' }>;
}

/**
 * One `chat.events` item (tRPC's tracked event): `id` is the position to resume after
 * (`lastEventId`), `data` the event.
 */
export interface ChatEventItem {
  id: string;
  data: ChatEvent;
}
