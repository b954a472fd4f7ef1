import type { Conversation, Message } from './protocol.ts';

/** Builders for unit tests. */
export function message(over: Partial<Message> & Pick<Message, 'seq' | 'senderId'>): Message {
  return {
    id: `m${over.seq}`,
    conversationId: 'c1',
    text: `message ${over.seq}`,
    attachmentIds: [],
    attachments: [],
    clientMessageId: `client-${over.seq}-xxxx`,
    createdAt: new Date(2026, 2, 18, 12, 0, over.seq),
    ...over,
  } as Message;
}

export function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    peer: {
      id: 'bob',
      username: 'bob',
      displayName: 'Bob',
      bio: '',
      avatarId: null,
      online: false,
      lastSeenAt: null,
    },
    lastMessage: null,
    lastMessageAt: null,
    unreadCount: 0,
    myReadSeq: 0,
    peerDeliveredSeq: 0,
    peerReadSeq: 0,
    ...over,
  };
}
