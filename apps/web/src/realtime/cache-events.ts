/**
 * The event-to-cache step, pure: what one event from `chat.events` changes in the cached
 * conversation list and in a conversation's history, and what the caches cannot know (a
 * conversation new to the list, a changed member list) and must fetch again.
 */
import { applySettings, compareConversations, isArchivedNow } from '../conversations/organise.ts';
import { insertMessage, type HistoryData } from '../messages/history.ts';
import { applyActionEvent, isActionEvent } from './action-events.ts';
import type {
  ChatEvent,
  Conversation,
  ConversationsPage,
  Message,
  Profile,
  Role,
} from '../lib/protocol.ts';

export interface Caches {
  conversations: ConversationsPage | undefined;
  history: (conversationId: string) => HistoryData | undefined;
}

export interface CacheContext {
  me: string;
  /** A display name the app knows for a user id (for the list's "Alice: …" preview). */
  nameOf: (userId: string) => string | null;
  now: () => Date;
}

export interface CacheChanges {
  /** The new list, when it changed. */
  conversations?: ConversationsPage;
  /** The new history of one conversation, when it changed. */
  history?: { conversationId: string; data: HistoryData };
  /** Whether the list must be fetched again (an event about a conversation it does not hold). */
  refetchConversations: boolean;
  /** A group whose member list changed. */
  membersChanged: string | null;
  /** A conversation whose pinned messages changed. */
  pinnedChanged?: string;
}

export const NO_CHANGES: CacheChanges = { refetchConversations: false, membersChanged: null };

/** Pinned first, then newest activity; conversations without messages last. */
export function sortConversations(list: Conversation[]): Conversation[] {
  return [...list].sort(compareConversations);
}

function patchList(
  page: ConversationsPage,
  id: string,
  fn: (c: Conversation) => Conversation,
): ConversationsPage {
  return { ...page, items: page.items.map((c) => (c.id === id ? fn(c) : c)) };
}

/** What a group's system message changes in my view of it (role, title, picture, size). */
export function applySystem(c: Conversation, m: Message, me: string): Conversation {
  const s = m.system;
  if (!s) return c;
  const count = (n: number) => Math.max(0, c.memberCount + n);
  switch (s.action) {
    case 'added':
      return { ...c, memberCount: count(s.userIds.length) };
    case 'joined':
      return { ...c, memberCount: count(1) };
    case 'removed':
      return {
        ...c,
        memberCount: count(-1),
        ...(s.userId === me ? { myRole: null } : {}),
      };
    case 'left': {
      const myRole: Role | null =
        s.actorId === me ? null : s.newOwnerId === me ? 'owner' : c.myRole;
      return { ...c, memberCount: count(-1), myRole, closed: c.closed || c.memberCount <= 1 };
    }
    case 'updated':
      return {
        ...c,
        ...(s.title !== undefined ? { title: s.title } : {}),
        ...(s.avatarId !== undefined ? { avatarId: s.avatarId } : {}),
        ...(s.isPublic !== undefined ? { isPublic: s.isPublic } : {}),
      };
    case 'role': {
      // Handing over (`owner`) makes the old owner an admin.
      if (s.userId === me) return { ...c, myRole: s.role };
      if (s.actorId === me && s.role === 'owner') return { ...c, myRole: 'admin' };
      return c;
    }
    case 'created':
      return c;
  }
}

function onMessage(caches: Caches, m: Message, ctx: CacheContext): CacheChanges {
  const history = caches.history(m.conversationId);
  const inserted = insertMessage(history, m);
  const changes: CacheChanges = {
    ...(inserted && inserted !== history
      ? { history: { conversationId: m.conversationId, data: inserted } }
      : {}),
    refetchConversations: false,
    membersChanged: m.kind === 'system' ? m.conversationId : null,
  };
  const page = caches.conversations;
  const conv = page?.items.find((c) => c.id === m.conversationId);
  if (!page) return changes;
  if (!conv) return { ...changes, refetchConversations: true };
  if (conv.lastMessage && conv.lastMessage.seq >= m.seq) return changes;
  const fromOthers = m.senderId !== ctx.me && m.kind === 'text';
  const name = m.senderId === ctx.me ? null : ctx.nameOf(m.senderId);
  const next = patchList(page, conv.id, (c) => {
    const updated = {
      ...applySystem(c, m, ctx.me),
      lastMessage: m,
      lastMessageAt: m.createdAt,
      lastSender:
        c.lastSender?.id === m.senderId
          ? c.lastSender
          : name !== null
            ? { id: m.senderId, displayName: name }
            : null,
      unreadCount: fromOthers ? c.unreadCount + 1 : c.unreadCount,
      mentionCount: fromOthers && m.mentions.includes(ctx.me) ? c.mentionCount + 1 : c.mentionCount,
    };
    // A new message brings an archived conversation back, unless it is muted.
    return { ...updated, archived: isArchivedNow(updated, ctx.now()) };
  });
  return { ...changes, conversations: { ...next, items: sortConversations(next.items) } };
}

function onUserUpdated(page: ConversationsPage | undefined, user: Profile): CacheChanges {
  if (!page) return NO_CHANGES;
  const touches = (c: Conversation) => c.peer?.id === user.id || c.lastSender?.id === user.id;
  if (!page.items.some(touches)) return NO_CHANGES;
  return {
    ...NO_CHANGES,
    conversations: {
      ...page,
      items: page.items.map((c) =>
        touches(c)
          ? {
              ...c,
              peer: c.peer?.id === user.id ? { ...c.peer, ...user } : c.peer,
              lastSender:
                c.lastSender?.id === user.id
                  ? { id: user.id, displayName: user.displayName }
                  : c.lastSender,
            }
          : c,
      ),
    },
  };
}

/** What `event` changes in the caches (nothing for events that are not about them). */
export function applyEvent(caches: Caches, event: ChatEvent, ctx: CacheContext): CacheChanges {
  if (isActionEvent(event)) return applyActionEvent(caches, event, ctx);
  const page = caches.conversations;
  switch (event.type) {
    case 'message.new':
      return onMessage(caches, event.message, ctx);
    case 'receipts': {
      if (!page?.items.some((c) => c.id === event.conversationId))
        return { ...NO_CHANGES, refetchConversations: !!page };
      return {
        ...NO_CHANGES,
        conversations: patchList(page, event.conversationId, (c) => ({
          ...c,
          receipts: event.marks,
        })),
      };
    }
    case 'conversation.read': {
      if (!page?.items.some((c) => c.id === event.conversationId))
        return { ...NO_CHANGES, refetchConversations: !!page };
      return {
        ...NO_CHANGES,
        conversations: patchList(page, event.conversationId, (c) =>
          event.readSeq < c.myReadSeq
            ? c
            : {
                ...c,
                myReadSeq: event.readSeq,
                unreadCount: event.unreadCount,
                mentionCount: event.mentionCount,
              },
        ),
      };
    }
    case 'user.updated':
      return onUserUpdated(page, event.user);
    case 'conversation.settings': {
      if (!page?.items.some((c) => c.id === event.conversationId))
        return { ...NO_CHANGES, refetchConversations: !!page };
      const { type: _type, conversationId, ...settings } = event;
      const next = patchList(page, conversationId, (c) => applySettings(c, settings, ctx.now()));
      return { ...NO_CHANGES, conversations: { ...next, items: sortConversations(next.items) } };
    }
    default:
      return NO_CHANGES;
  }
}

/**
 * Marks a conversation read up to `seq` before the server confirms: the badge clears when it
 * covers the newest message (otherwise the server's `conversation.read` brings the exact count).
 */
export function markConversationRead(
  page: ConversationsPage,
  conversationId: string,
  seq: number,
): ConversationsPage {
  return patchList(page, conversationId, (c) =>
    c.lastMessage && seq >= c.lastMessage.seq && seq > c.myReadSeq
      ? { ...c, unreadCount: 0, mentionCount: 0, myReadSeq: seq }
      : c,
  );
}
