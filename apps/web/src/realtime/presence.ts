import type { ChatEvent, PublicUser } from '../lib/protocol.ts';

/**
 * Presence as last heard from the event stream: live events and the snapshot sent on every
 * (re)connect override what a query returned earlier. Only people I share a conversation with
 * are in it; for anyone else the freshest query answer is all there is.
 */
export type PresenceMap = Readonly<Record<string, { online: boolean; lastSeenAt: Date | null }>>;

export function applyPresence(state: PresenceMap, event: ChatEvent): PresenceMap {
  if (event.type === 'presence') {
    const prev = state[event.userId];
    return {
      ...state,
      [event.userId]: {
        online: event.online,
        lastSeenAt: event.lastSeenAt ?? prev?.lastSeenAt ?? null,
      },
    };
  }
  if (event.type === 'presence.snapshot') {
    const online = new Set(event.online);
    const next: Record<string, { online: boolean; lastSeenAt: Date | null }> = {};
    for (const [id, p] of Object.entries(state)) next[id] = { ...p, online: online.has(id) };
    for (const id of online) next[id] = { online: true, lastSeenAt: state[id]?.lastSeenAt ?? null };
    return next;
  }
  return state;
}

/** What to show of someone's presence: `unknown` while my own connection is down. */
export type ShownPresence =
  { state: 'online' } | { state: 'offline'; lastSeenAt: Date | null } | { state: 'unknown' };

export function presenceOf(
  user: Pick<PublicUser, 'id' | 'online' | 'lastSeenAt'>,
  presence: PresenceMap,
  connected: boolean,
): ShownPresence {
  if (!connected) return { state: 'unknown' };
  const live = presence[user.id];
  const online = live ? live.online : user.online;
  if (online) return { state: 'online' };
  const lastSeenAt = live?.lastSeenAt ?? user.lastSeenAt;
  return { state: 'offline', lastSeenAt: lastSeenAt ? new Date(lastSeenAt) : null };
}
