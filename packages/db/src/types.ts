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
  clientMessageId: string;
  createdAt: Date;
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
