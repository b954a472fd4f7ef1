/**
 * How I keep my conversations (mute, pin, archive, mark unread), as the list shows them. The
 * server decides and sends `conversation.settings` to all my devices; these functions apply it
 * and keep the list in the server's order (pinned first, most recently pinned first; then the
 * newest activity).
 */
import { isArchived, isMuted } from '@parley/api/protocol';
import type { Conversation } from '../lib/protocol.ts';

/** What a `conversation.settings` event carries. */
export interface ConversationSettings {
  mutedUntil: Date | null;
  pinnedAt: Date | null;
  archivedAt: Date | null;
  markedUnread: boolean;
}

const time = (d: Date | string | null) => (d === null ? 0 : new Date(d).getTime());

/** Muted now (a mute for 8 hours or a week ends by itself). */
export const isMutedNow = (c: Pick<Conversation, 'mutedUntil'>, now: Date): boolean =>
  isMuted(c, now);

/** Shows as archived: archived, and no message arrived since — or muted, which keeps it so. */
export const isArchivedNow = (
  c: Pick<Conversation, 'archivedAt' | 'mutedUntil' | 'lastMessage'>,
  now: Date,
): boolean => isArchived(c, c.lastMessage?.createdAt ?? null, now);

/** A conversation with new settings, its derived flags recomputed. */
export function applySettings(
  c: Conversation,
  settings: ConversationSettings,
  now: Date,
): Conversation {
  const next = { ...c, ...settings };
  return { ...next, muted: isMutedNow(next, now), archived: isArchivedNow(next, now) };
}

/** Pinned first (most recently pinned first), then newest activity; no messages last. */
export function compareConversations(a: Conversation, b: Conversation): number {
  if ((a.pinnedAt === null) !== (b.pinnedAt === null)) return a.pinnedAt === null ? 1 : -1;
  if (a.pinnedAt !== null && b.pinnedAt !== null) {
    const pinned = time(b.pinnedAt) - time(a.pinnedAt);
    if (pinned !== 0) return pinned;
  }
  return time(b.lastMessageAt) - time(a.lastMessageAt);
}

/** Shows the "unread" dot: marked unread by hand, with no unread count to show instead. */
export const showsUnreadDot = (c: Pick<Conversation, 'markedUnread' | 'unreadCount'>) =>
  c.markedUnread && c.unreadCount === 0;

/**
 * What the title and the favicon count: unread messages of conversations not muted, and one for
 * each conversation marked unread.
 */
export function unreadTotal(
  conversations: readonly Pick<Conversation, 'unreadCount' | 'markedUnread' | 'mutedUntil'>[],
  now: Date,
): number {
  return conversations.reduce(
    (sum, c) => (isMutedNow(c, now) ? sum : sum + (showsUnreadDot(c) ? 1 : c.unreadCount)),
    0,
  );
}

/** The list split: the conversations in sight, and the archived ones. */
export function splitArchived(
  items: readonly Conversation[],
  now: Date,
): { inbox: Conversation[]; archived: Conversation[] } {
  const inbox: Conversation[] = [];
  const archived: Conversation[] = [];
  for (const c of items) (isArchivedNow(c, now) ? archived : inbox).push(c);
  return { inbox, archived };
}
