import type {
  Attachment,
  Conversation,
  MemberState,
  Message,
  MessageAttachment,
  Session,
  User,
  UserWithSecret,
} from '../types.ts';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  display_name: string;
  bio: string;
  avatar_id: string | null;
  created_at: number;
  last_seen_at: number | null;
  event_seq: number;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
  ip: string | null;
}

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  pair_key: string | null;
  created_at: number;
  last_message_at: number | null;
  last_seq: number;
}

export interface MemberRow {
  user_id: string;
  delivered_seq: number;
  read_seq: number;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  text: string;
  attachment_ids: string;
  attachments: string;
  client_message_id: string;
  created_at: number;
}

export interface AttachmentRow {
  id: string;
  owner_id: string;
  kind: 'image';
  mime: Attachment['mime'];
  size: number;
  width: number;
  height: number;
  variants: string;
  created_at: number;
  message_id: string | null;
  conversation_id: string | null;
  is_avatar: number;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    bio: row.bio,
    avatarId: row.avatar_id,
    createdAt: new Date(row.created_at),
    lastSeenAt: toDateOrNull(row.last_seen_at),
  };
}

export function toUserWithSecret(row: UserRow): UserWithSecret {
  return { ...toUser(row), passwordHash: row.password_hash };
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    revokedAt: toDateOrNull(row.revoked_at),
    userAgent: row.user_agent,
    ip: row.ip,
  };
}

export function toConversation(row: ConversationRow, memberIds: string[]): Conversation {
  return {
    id: row.id,
    kind: row.kind,
    memberIds,
    createdAt: new Date(row.created_at),
    lastMessageAt: toDateOrNull(row.last_message_at),
  };
}

export function toMemberState(row: MemberRow): MemberState {
  return { userId: row.user_id, deliveredSeq: row.delivered_seq, readSeq: row.read_seq };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    text: row.text,
    attachmentIds: JSON.parse(row.attachment_ids) as string[],
    attachments: JSON.parse(row.attachments) as MessageAttachment[],
    clientMessageId: row.client_message_id,
    createdAt: new Date(row.created_at),
  };
}

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    ownerId: row.owner_id,
    kind: row.kind,
    mime: row.mime,
    size: row.size,
    width: row.width,
    height: row.height,
    variants: JSON.parse(row.variants) as Attachment['variants'],
    createdAt: new Date(row.created_at),
    messageId: row.message_id,
    conversationId: row.conversation_id,
    isAvatar: row.is_avatar === 1,
  };
}

function toDateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
