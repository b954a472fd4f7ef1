import type { InfiniteData } from '@tanstack/react-query';
import type { Conversation, HistoryPage, Message, PublicUser } from './protocol.ts';
import type { DisplayMessage } from '../messages/timeline.ts';

/** Builders for unit tests. */
export function message(over: Partial<Message> & Pick<Message, 'seq' | 'senderId'>): Message {
  return {
    id: `m${over.seq}`,
    conversationId: 'c1',
    kind: 'text',
    text: `message ${over.seq}`,
    attachmentIds: [],
    attachments: [],
    mentions: [],
    system: null,
    clientMessageId: `client-${over.seq}-xxxx`,
    createdAt: new Date(2026, 2, 18, 12, 0, over.seq),
    replyTo: null,
    editedAt: null,
    deletedAt: null,
    forwarded: false,
    reactions: [],
    pinnedAt: null,
    ...over,
  };
}

export function user(over: Partial<PublicUser> & Pick<PublicUser, 'id'>): PublicUser {
  const name = over.id.charAt(0).toUpperCase() + over.id.slice(1);
  return {
    username: over.id,
    displayName: name,
    bio: '',
    avatarId: null,
    online: false,
    lastSeenAt: null,
    ...over,
  };
}

const noMark = { lowest: 0, lowestUserId: null, nextLowest: 0 };

/** A direct conversation of ann (me) and bob, unless told otherwise. */
export function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    kind: 'direct',
    title: null,
    avatarId: null,
    isPublic: false,
    memberCount: 2,
    createdAt: new Date(2026, 0, 1),
    lastMessageAt: null,
    closed: false,
    myRole: 'member',
    peer: user({ id: 'bob' }),
    lastMessage: null,
    lastSender: null,
    unreadCount: 0,
    mentionCount: 0,
    myReadSeq: 0,
    receipts: { delivered: noMark, read: noMark },
    mutedUntil: null,
    muted: false,
    pinnedAt: null,
    archivedAt: null,
    archived: false,
    markedUnread: false,
    ...over,
  };
}

export function group(over: Partial<Conversation> = {}): Conversation {
  return conversation({
    id: 'g1',
    kind: 'group',
    title: 'Climbers',
    memberCount: 3,
    peer: null,
    myRole: 'member',
    ...over,
  });
}

/** History pages, oldest first, each as the server pages them. */
export function pages(
  ...list: { items: Message[]; olderCursor?: string | null; newerCursor?: string | null }[]
): InfiniteData<HistoryPage, string | null> {
  return {
    pages: list.map((p) => ({
      items: p.items,
      olderCursor: p.olderCursor ?? null,
      newerCursor: p.newerCursor ?? null,
    })),
    pageParams: list.map(() => null),
  };
}

/** A message as the conversation shows it: a stored text, unless told otherwise. */
export function displayMessage(over: Partial<DisplayMessage> = {}): DisplayMessage {
  return {
    key: 'k1',
    id: 'm1',
    seq: 1,
    senderId: 'ann',
    kind: 'text',
    text: 'hi',
    system: null,
    mentions: [],
    attachments: [],
    createdAt: new Date(2026, 2, 18, 9, 5),
    status: 'sent',
    error: null,
    replyTo: null,
    edited: false,
    deleted: false,
    forwarded: false,
    reactions: [],
    pinned: false,
    ...over,
  };
}
