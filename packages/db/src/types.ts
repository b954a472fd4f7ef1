/** A registered person. `username` and `email` are stored lower-cased. */
export interface User {
  id: string;
  username: string;
  email: string;
  displayName: string;
  bio: string;
  avatarId: string | null;
  createdAt: Date;
  lastSeenAt: Date | null;
}

/** A user plus the secret needed to check their password. Never leaves the service layer. */
export interface UserWithSecret extends User {
  passwordHash: string;
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  displayName: string;
}

export interface ProfilePatch {
  displayName?: string;
  bio?: string;
  avatarId?: string | null;
}

/** One login of one user on one device; refresh tokens rotate within it. */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
  ip: string | null;
}

export interface NewSession {
  userId: string;
  refreshTokenHash: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/**
 * Outcome of presenting a refresh token:
 * - `rotated`: it was current; it is now replaced by the new hash.
 * - `reused`: it had already been rotated; the whole session is now revoked.
 * - `invalid`: unknown, or its session is revoked or expired.
 */
export type RotateResult =
  | { status: 'rotated'; session: Session }
  | { status: 'reused'; session: Session }
  | { status: 'invalid' };

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` to get the next page; null when there is none. */
  nextCursor: string | null;
}

export interface Conversation {
  id: string;
  /** 'direct' for one-to-one; 'group' reserved for later. */
  kind: 'direct' | 'group';
  memberIds: string[];
  createdAt: Date;
  lastMessageAt: Date | null;
}

export interface Message {
  id: string;
  conversationId: string;
  /** Position in the conversation, 1, 2, 3, ... */
  seq: number;
  senderId: string;
  text: string;
  attachmentIds: string[];
  /** What the client shows of each attachment, in `attachmentIds` order (copied when sent). */
  attachments: MessageAttachment[];
  clientMessageId: string;
  createdAt: Date;
}

/** The image formats Parley accepts; variants keep the format of their upload. */
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** The renditions made of every upload (its original bytes are never kept). */
export type AttachmentVariantName = 'display' | 'thumb';

export interface AttachmentVariant {
  width: number;
  height: number;
  /** Bytes. */
  size: number;
}

/** An uploaded image and what uses it: one message, its owner's avatar, or nothing yet. */
export interface Attachment {
  id: string;
  ownerId: string;
  kind: 'image';
  /** The format of the upload and of its variants. */
  mime: ImageMime;
  /** Bytes of the upload as received. */
  size: number;
  /** Of the upload, upright (after its orientation was applied). */
  width: number;
  height: number;
  variants: Record<AttachmentVariantName, AttachmentVariant>;
  createdAt: Date;
  /** The message it was sent with, or null. */
  messageId: string | null;
  /** The conversation of that message, or null. */
  conversationId: string | null;
  /** Whether it is its owner's avatar now. */
  isAvatar: boolean;
}

export type NewAttachment = Pick<
  Attachment,
  'ownerId' | 'kind' | 'mime' | 'size' | 'width' | 'height' | 'variants' | 'createdAt'
>;

/** An attachment as a message carries it: all a client needs to lay it out and fetch it. */
export interface MessageAttachment {
  id: string;
  kind: 'image';
  mime: ImageMime;
  /** Of the display variant, at `url`. */
  width: number;
  height: number;
  /** `/api/files/<id>/display`: at most 1600 px on its longer side. */
  url: string;
  /** `/api/files/<id>/thumb`: at most 320 px on its longer side. */
  thumbUrl: string;
  thumbWidth: number;
  thumbHeight: number;
}

/** Per member of a conversation: how far they have received and read (by message seq). */
export interface MemberState {
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

export interface ConversationSummary {
  conversation: Conversation;
  members: MemberState[];
  lastMessage: Message | null;
  /** Messages from others after my read position. */
  unreadCount: number;
}

/** What the store persists for a user's durable event stream. */
export type DurableEventData =
  | { type: 'message.new'; message: Message }
  | {
      type: 'message.delivered';
      conversationId: string;
      /** The member whose client received the messages. */
      userId: string;
      upToSeq: number;
      upToMessageId: string;
    }
  | {
      type: 'message.read';
      conversationId: string;
      /** The member who read the messages. */
      userId: string;
      upToSeq: number;
      upToMessageId: string;
    };

/** A durable event as stored: `id` increases by exactly 1 per user, in commit order. */
export interface StoredEvent {
  userId: string;
  id: number;
  data: DurableEventData;
  createdAt: Date;
}

export interface NewMessage {
  /** Sender first is not required; the pair is unordered. */
  senderId: string;
  recipientIds: string[];
  text: string;
  /**
   * Uploads of the sender, used by no message and not an avatar: `sendMessage` claims them for
   * the message in its transaction (or throws `AttachmentUnavailableError`, writing nothing).
   */
  attachmentIds: string[];
  clientMessageId: string;
  createdAt: Date;
}

export interface SendResult {
  message: Message;
  /** False when (senderId, clientMessageId) already existed: `message` is the original. */
  created: boolean;
  /** Events written in the same transaction, one per member (sender included). Empty when not created. */
  events: StoredEvent[];
}

export interface ReceiptInput {
  conversationId: string;
  userId: string;
  upToSeq: number;
  at: Date;
}

export interface ReceiptResult {
  /** False when the position did not move forward (nothing written). */
  advanced: boolean;
  state: MemberState;
  /**
   * Durable events written in the same transaction: a `message.delivered` for every other
   * member, or a `message.read` for every member including the reader (their other devices
   * clear the badge). Empty when not advanced.
   */
  events: StoredEvent[];
}
