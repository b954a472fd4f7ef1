import type { ConversationSummary, Message, ReceiptMarks, Role } from '@parley/db';
import { isArchived, isMuted } from '../organise.ts';
import type { PublicUser, UsersService } from './users.ts';

/** A conversation as my list shows it. */
export interface ConversationView {
  id: string;
  kind: 'direct' | 'group';
  /** Groups: the title; direct conversations: null (show the peer's name). */
  title: string | null;
  avatarId: string | null;
  isPublic: boolean;
  memberCount: number;
  createdAt: Date;
  lastMessageAt: Date | null;
  /** The group was closed when its last member left. */
  closed: boolean;
  /** My role; null once I left or was removed (I can still read what I had). */
  myRole: Role | null;
  /** The other person of a direct conversation. */
  peer: PublicUser | null;
  /** The newest message I may see, and who sent it. */
  lastMessage: Message | null;
  lastSender: { id: string; displayName: string } | null;
  unreadCount: number;
  mentionCount: number;
  myReadSeq: number;
  /** How far the members got: `othersReached(receipts.read, me)` is what everyone else has read. */
  receipts: ReceiptMarks;
  /** No notifications until then (`MUTED_FOREVER`: until unmuted); `muted` says whether now. */
  mutedUntil: Date | null;
  muted: boolean;
  /** Pinned to the top of my list (most recently pinned first); null when not. */
  pinnedAt: Date | null;
  /** Archived at; `archived` (see `isArchived`) says whether it shows as archived now. */
  archivedAt: Date | null;
  archived: boolean;
  /** I marked it unread; reading it clears the mark. */
  markedUnread: boolean;
}

/** Summaries from the store as views, with peers (and their presence) and senders' names. */
export async function toViews(
  users: UsersService,
  viewer: string,
  summaries: ConversationSummary[],
  now: Date,
): Promise<ConversationView[]> {
  const ids = new Set<string>();
  for (const s of summaries) {
    if (s.peerId) ids.add(s.peerId);
    if (s.lastMessage) ids.add(s.lastMessage.senderId);
  }
  const people = new Map((await users.get(viewer, [...ids])).map((u) => [u.id, u] as const));
  return summaries.map((s) => {
    const sender = s.lastMessage ? people.get(s.lastMessage.senderId) : undefined;
    return {
      id: s.conversation.id,
      kind: s.conversation.kind,
      title: s.conversation.title,
      avatarId: s.conversation.avatarId,
      isPublic: s.conversation.isPublic,
      memberCount: s.conversation.memberCount,
      createdAt: s.conversation.createdAt,
      lastMessageAt: s.conversation.lastMessageAt,
      closed: s.conversation.closedAt !== null,
      myRole: s.membership.leftAt === null ? s.membership.role : null,
      peer: s.peerId ? (people.get(s.peerId) ?? null) : null,
      lastMessage: s.lastMessage,
      lastSender: sender ? { id: sender.id, displayName: sender.displayName } : null,
      unreadCount: s.unreadCount,
      mentionCount: s.mentionCount,
      myReadSeq: s.membership.readSeq,
      receipts: s.receipts,
      mutedUntil: s.settings.mutedUntil,
      muted: isMuted(s.settings, now),
      pinnedAt: s.settings.pinnedAt,
      archivedAt: s.settings.archivedAt,
      archived: isArchived(s.settings, s.lastMessage?.createdAt ?? null, now),
      markedUnread: s.settings.markedUnread,
    };
  });
}
