import type {
  Attachment,
  Conversation,
  ConversationSummary,
  Message,
  NewAttachment,
  NewMessage,
  NewSession,
  NewUser,
  Page,
  ProfilePatch,
  ReceiptInput,
  ReceiptResult,
  RotateResult,
  SendResult,
  Session,
  StoredEvent,
  User,
  UserWithSecret,
} from './types.ts';

/** Thrown by `createUser` when the username or email is taken (case-insensitively). */
export class DuplicateError extends Error {
  constructor(readonly field: 'username' | 'email') {
    super(`${field} already taken`);
    this.name = 'DuplicateError';
  }
}

/**
 * Thrown by `sendMessage` and `setAvatar` when an attachment is not the user's to use: unknown,
 * uploaded by someone else, already sent with a message (or, for a message, the avatar).
 * Nothing was written.
 */
export class AttachmentUnavailableError extends Error {
  constructor(readonly attachmentId: string) {
    super(`attachment ${attachmentId} is not available`);
    this.name = 'AttachmentUnavailableError';
  }
}

/** Accounts and profiles. */
export interface UserStore {
  /** @throws DuplicateError */
  createUser(user: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUsers(ids: string[]): Promise<User[]>;
  /** Looks up by username or email, case-insensitively. */
  findUserByLogin(login: string): Promise<UserWithSecret | null>;
  /** Everyone but `excludeId`, ordered by username; `cursor` is opaque. */
  listUsers(opts: {
    excludeId: string;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<User>>;
  /** Case-insensitive prefix match on username or display name, ordered by username. */
  searchUsers(opts: { query: string; excludeId: string; limit: number }): Promise<User[]>;
  /** Writes the fields given; `avatarId` as is (set an uploaded avatar with `setAvatar`). */
  updateProfile(id: string, patch: ProfilePatch): Promise<User | null>;
  setLastSeen(id: string, at: Date): Promise<void>;
}

/** Login sessions and their rotating refresh tokens. */
export interface SessionStore {
  createSession(session: NewSession): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  /** Atomic compare-and-swap; concurrent calls with the same old hash rotate at most once. */
  rotateRefreshToken(opts: { oldHash: string; newHash: string; now: Date }): Promise<RotateResult>;
  /** Idempotent. Returns the session when it was active until now. */
  revokeSession(id: string, at: Date): Promise<Session | null>;
}

/** Conversations as lists and lookups. */
export interface ConversationStore {
  /** The direct conversation of exactly these two users, if any. */
  findDirectConversation(a: string, b: string): Promise<Conversation | null>;
  getConversation(id: string): Promise<Conversation | null>;
  /** Everyone I share a conversation with (who hears about my presence). */
  listPeerIds(userId: string): Promise<string[]>;
  /** My conversations, latest activity first; `cursor` is opaque. */
  listConversations(opts: {
    userId: string;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<ConversationSummary>>;
}

/** Messages: the idempotent send and history pages. */
export interface MessageStore {
  /**
   * In one transaction: find or create the direct conversation of sender and recipients,
   * give the message the next seq, claim its attachments (see `NewMessage.attachmentIds`; an
   * attachment is claimed by at most one message, even under concurrent calls), and write a
   * `message.new` event for every member.
   * Idempotent on (senderId, clientMessageId), including under concurrent calls: a retry returns
   * the original without claiming anything.
   * @throws AttachmentUnavailableError
   */
  sendMessage(msg: NewMessage): Promise<SendResult>;
  getMessage(id: string): Promise<Message | null>;
  getMessageByClientId(senderId: string, clientMessageId: string): Promise<Message | null>;
  /** Newest first; messages with seq < beforeSeq when given. */
  listMessages(opts: {
    conversationId: string;
    beforeSeq?: number | null;
    limit: number;
  }): Promise<Message[]>;
}

/** Delivered and read positions. */
export interface ReceiptStore {
  /** Moves the member's delivered position forward (never back). */
  markDelivered(input: ReceiptInput): Promise<ReceiptResult>;
  /** Moves the member's read (and delivered) position forward (never back). */
  markRead(input: ReceiptInput): Promise<ReceiptResult>;
}

/** Uploaded images: their records (the bytes are in a BlobStore) and what uses them. */
export interface AttachmentStore {
  /** Records a new upload, used by nothing yet; the store gives it its id. */
  createAttachment(attachment: NewAttachment): Promise<Attachment>;
  getAttachment(id: string): Promise<Attachment | null>;
  /** In the order of `ids`; unknown ids are left out. */
  getAttachments(ids: string[]): Promise<Attachment[]>;
  /**
   * Atomically: makes the attachment the user's avatar (`user.avatarId`), and their previous
   * avatar an unused upload again (to be collected). `null` clears the avatar. Setting the
   * current avatar again changes nothing. Returns null when the user does not exist.
   * @throws AttachmentUnavailableError unless it is the user's upload and not sent with a message.
   */
  setAvatar(userId: string, attachmentId: string | null): Promise<User | null>;
  /** Uploads used by no message and no avatar, created before `createdBefore`, oldest first. */
  listUnusedAttachments(opts: { createdBefore: Date; limit: number }): Promise<Attachment[]>;
  /** Deletes the record if it is still unused (a concurrent send or avatar wins); true when deleted. */
  deleteUnusedAttachment(id: string): Promise<boolean>;
}

/** The durable per-user event stream. */
export interface EventStore {
  /** Events with id > afterId, ascending, at most `limit`. */
  listEvents(opts: { userId: string; afterId: number; limit: number }): Promise<StoredEvent[]>;
  /** The highest event id written for the user (0 when none). */
  lastEventId(userId: string): Promise<number>;
}

/**
 * The persistence port. Every adapter (SQLite, MongoDB) passes the same contract suite.
 * Adapters validate nothing the services already validate; they enforce uniqueness,
 * atomicity and ordering.
 */
export interface Store
  extends
    UserStore,
    SessionStore,
    ConversationStore,
    MessageStore,
    ReceiptStore,
    EventStore,
    AttachmentStore {
  readonly kind: 'sqlite' | 'mongo';
  /** Cheap round trip to the database, for /healthz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
