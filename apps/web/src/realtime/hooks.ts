import { useEffect } from 'react';
import { useChat } from '../app/session-context.ts';
import type { PublicUser } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { presenceOf, type ShownPresence } from './presence.ts';
import { typingIn } from './typing.ts';

/** The connection, in one word. */
export function useConnection() {
  const { engine } = useChat();
  return useStore(engine.connection);
}

/** Someone's presence as it should show now (unknown while I am offline). */
export function usePresence(
  user: Pick<PublicUser, 'id' | 'online' | 'lastSeenAt'> | null,
): ShownPresence {
  const { engine } = useChat();
  const connected = useStore(engine.connection) === 'online';
  const live = useStore(engine.presence, (p) => (user ? p[user.id] : undefined));
  const known = useStore(engine.directory.people, (p) => (user ? p[user.id] : undefined));
  if (!user) return { state: 'unknown' };
  return presenceOf(known ?? user, live ? { [user.id]: live } : {}, connected);
}

/** A person as the directory knows them (fetched when it does not). */
export function usePerson(userId: string | null): PublicUser | null {
  const { engine } = useChat();
  const person = useStore(engine.directory.people, (p) => (userId ? p[userId] : undefined));
  useEffect(() => {
    if (userId && !person) engine.directory.want([userId]);
  }, [engine, userId, person]);
  return person ?? null;
}

/** Display names by id for many people at once (fetching the unknown ones). */
export function useNames(userIds: readonly string[]): (userId: string) => string {
  const { engine } = useChat();
  const people = useStore(engine.directory.people);
  const key = userIds.join(',');
  useEffect(() => {
    if (key) engine.directory.want(key.split(','));
  }, [engine, key]);
  return (userId) => people[userId]?.displayName ?? 'Someone';
}

/** Who is typing in a conversation now (ids, me excluded). */
export function useTypingIn(conversationId: string): string[] {
  const { engine } = useChat();
  const state = useStore(engine.typing, (t) => t[conversationId]);
  return state ? typingIn({ [conversationId]: state }, conversationId, Date.now()) : [];
}
