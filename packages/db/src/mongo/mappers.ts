import type {
  Attachment,
  Conversation,
  MemberState,
  Message,
  Session,
  StoredEvent,
  User,
  UserWithSecret,
} from '../types.ts';
import type {
  AttachmentDoc,
  ConversationDoc,
  EventDoc,
  MemberDoc,
  MessageDoc,
  SessionDoc,
  UserDoc,
} from './models.ts';

export function toUser(doc: UserDoc): User {
  return {
    id: doc._id,
    username: doc.username,
    email: doc.email,
    displayName: doc.displayName,
    bio: doc.bio,
    avatarId: doc.avatarId,
    createdAt: doc.createdAt,
    lastSeenAt: doc.lastSeenAt,
  };
}

export function toUserWithSecret(doc: UserDoc): UserWithSecret {
  return { ...toUser(doc), passwordHash: doc.passwordHash };
}

export function toSession(doc: SessionDoc): Session {
  return {
    id: doc._id,
    userId: doc.userId,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    revokedAt: doc.revokedAt,
    userAgent: doc.userAgent,
    ip: doc.ip,
  };
}

export function toConversation(doc: ConversationDoc): Conversation {
  return {
    id: doc._id,
    kind: doc.kind,
    memberIds: [...doc.memberIds],
    createdAt: doc.createdAt,
    lastMessageAt: doc.lastMessageAt,
  };
}

export function toMemberState(doc: MemberDoc): MemberState {
  return { userId: doc.userId, deliveredSeq: doc.deliveredSeq, readSeq: doc.readSeq };
}

export function toMessage(doc: MessageDoc): Message {
  return {
    id: doc._id,
    conversationId: doc.conversationId,
    seq: doc.seq,
    senderId: doc.senderId,
    text: doc.text,
    attachmentIds: [...doc.attachmentIds],
    // Messages written before attachments existed have none.
    attachments: [...(doc.attachments ?? [])],
    clientMessageId: doc.clientMessageId,
    createdAt: doc.createdAt,
  };
}

export function toMessageDoc(message: Message): MessageDoc {
  const { id, ...rest } = message;
  return { _id: id, ...rest };
}

export function toEvent(doc: EventDoc): StoredEvent {
  const { data } = doc;
  return {
    userId: doc.userId,
    id: doc.id,
    data:
      data.type === 'message.new'
        ? { ...data, message: { ...data.message, attachments: data.message.attachments ?? [] } }
        : data,
    createdAt: doc.createdAt,
  };
}

export function toAttachment(doc: AttachmentDoc): Attachment {
  return {
    id: doc._id,
    ownerId: doc.ownerId,
    kind: doc.kind,
    mime: doc.mime,
    size: doc.size,
    width: doc.width,
    height: doc.height,
    variants: {
      display: { ...doc.variants.display },
      thumb: { ...doc.variants.thumb },
    },
    createdAt: doc.createdAt,
    messageId: doc.messageId,
    conversationId: doc.conversationId,
    isAvatar: doc.isAvatar,
  };
}
