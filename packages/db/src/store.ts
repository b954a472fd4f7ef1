import type {
  Conversation,
  ConversationSummary,
  Message,
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
   * give the message the next seq, and write a `message.new` event for every member.
   * Idempotent on (senderId, clientMessageId), including under concurrent calls.
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
  extends UserStore, SessionStore, ConversationStore, MessageStore, ReceiptStore, EventStore {
  readonly kind: 'sqlite' | 'mongo';
  /** Cheap round trip to the database, for /healthz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
