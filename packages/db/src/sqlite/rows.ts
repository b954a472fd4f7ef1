import { NO_SETTINGS } from '../settings.ts';
import type {
  Attachment,
  ImageAttachment,
  ImageMime,
  VoiceMime,
  ConversationSettings,
  Conversation,
  Membership,
  MembershipPeriod,
  Message,
  MessageAttachment,
  Role,
  Session,
  SystemEvent,
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
  title: string | null;
  avatar_id: string | null;
  is_public: number;
  created_by: string | null;
  member_count: number;
  closed_at: number | null;
  receipt_marks: string | null;
}

export interface MemberRow {
  conversation_id: string;
  user_id: string;
  role: Role;
  joined_at: number;
  left_at: number | null;
  delivered_seq: number;
  read_seq: number;
}

export interface PeriodRow {
  user_id: string;
  conversation_id: string;
  from_event: number;
  to_event: number | null;
  from_seq: number;
  to_seq: number | null;
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
  kind: 'text' | 'system';
  system: string | null;
  mentions: string;
  reply_to_id: string | null;
  edited_at: number | null;
  deleted_at: number | null;
  forwarded: number;
}

export interface AttachmentRow {
  id: string;
  owner_id: string;
  kind: Attachment['kind'];
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  variants: string | null;
  name: string | null;
  duration_ms: number | null;
  created_at: number;
  message_id: string | null;
  conversation_id: string | null;
  is_avatar: number;
  group_avatar_of: string | null;
  blob_id: string | null;
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

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    avatarId: row.avatar_id,
    isPublic: row.is_public === 1,
    memberCount: row.member_count,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    lastMessageAt: toDateOrNull(row.last_message_at),
    lastSeq: row.last_seq,
    closedAt: toDateOrNull(row.closed_at),
  };
}

export function toMembership(row: MemberRow): Membership {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    role: row.role,
    joinedAt: new Date(row.joined_at),
    leftAt: toDateOrNull(row.left_at),
    deliveredSeq: row.delivered_seq,
    readSeq: row.read_seq,
  };
}

export function toPeriod(row: PeriodRow): MembershipPeriod {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    fromEventId: row.from_event,
    toEventId: row.to_event,
    fromSeq: row.from_seq,
    toSeq: row.to_seq,
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    kind: row.kind,
    senderId: row.sender_id,
    text: row.text,
    attachmentIds: JSON.parse(row.attachment_ids) as string[],
    attachments: JSON.parse(row.attachments) as MessageAttachment[],
    mentions: JSON.parse(row.mentions) as string[],
    system: row.system === null ? null : (JSON.parse(row.system) as SystemEvent),
    clientMessageId: row.client_message_id,
    createdAt: new Date(row.created_at),
    // Filled in by `hydrate` (hydrate.ts), which reads them for a page of messages at once.
    replyTo: null,
    editedAt: toDateOrNull(row.edited_at),
    deletedAt: toDateOrNull(row.deleted_at),
    forwarded: row.forwarded === 1,
    reactions: [],
    pinnedAt: null,
  };
}

export function toAttachment(row: AttachmentRow): Attachment {
  const common = {
    id: row.id,
    ownerId: row.owner_id,
    size: row.size,
    createdAt: new Date(row.created_at),
    messageId: row.message_id,
    conversationId: row.conversation_id,
    isAvatar: row.is_avatar === 1,
    groupAvatarOf: row.group_avatar_of,
    blobId: row.blob_id ?? row.id,
  };
  // The table's CHECKs hold each kind's columns set (and the others null).
  switch (row.kind) {
    case 'image':
      return {
        ...common,
        kind: 'image',
        mime: row.mime as ImageMime,
        width: row.width!,
        height: row.height!,
        variants: JSON.parse(row.variants!) as ImageAttachment['variants'],
      };
    case 'file':
      return { ...common, kind: 'file', mime: row.mime, name: row.name! };
    case 'voice':
      return {
        ...common,
        kind: 'voice',
        mime: row.mime as VoiceMime,
        durationMs: row.duration_ms!,
      };
  }
}

/** The settings columns, as `conversation_settings` and the conversation list read them. */
export interface SettingsColumns {
  muted_until: number | null;
  pinned_at: number | null;
  archived_at: number | null;
  marked_unread: number | null;
}

/** A row's settings (a missing row, or a conversation list row without one: the defaults). */
export function toSettings(row: SettingsColumns | undefined): ConversationSettings {
  if (!row) return NO_SETTINGS;
  return {
    mutedUntil: toDateOrNull(row.muted_until),
    pinnedAt: toDateOrNull(row.pinned_at),
    archivedAt: toDateOrNull(row.archived_at),
    markedUnread: row.marked_unread === 1,
  };
}

function toDateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
