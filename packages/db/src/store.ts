import type {
  Attachment,
  BlockEntry,
  CachedLinkPreview,
  BlockRelations,
  NewReport,
  PrivacySettings,
  Report,
  ReportStatus,
  Conversation,
  ConversationSummary,
  ForwardInput,
  GroupChangeInput,
  GroupChangeResult,
  GroupListing,
  MemberEntry,
  Membership,
  MembershipPeriod,
  Message,
  MessageAction,
  MessageActionResult,
  MessageReceipt,
  NewAttachment,
  PushSubscription,
  SearchHit,
  SettingsChange,
  SettingsResult,
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

/**
 * Why a group change or a send was refused; nothing was written. `reason`:
 * - `not_found`: no such conversation (or not a group, for group changes);
 * - `not_member`: the actor is not a current member;
 * - `forbidden`: the actor's role may not do this (to that member);
 * - `target_not_member`: the member acted on is not a current member;
 * - `full`: the change would exceed the member cap;
 * - `closed`: the group was closed (its last member left);
 * - `not_public`: only public groups can be joined;
 * - `unknown_user`: a user to add does not exist.
 */
export class ConversationRuleError extends Error {
  constructor(
    readonly reason:
      | 'not_found'
      | 'not_member'
      | 'forbidden'
      | 'target_not_member'
      | 'full'
      | 'closed'
      | 'not_public'
      | 'unknown_user',
    detail = '',
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'ConversationRuleError';
  }
}

/**
 * Why an action on a message was refused; nothing was written. `reason`:
 * - `not_found`: no such message, or the actor may not see it;
 * - `not_sender`: only its sender (or, for a deletion, a group's admin) may do that;
 * - `too_late`: the window for editing or deleting it has passed;
 * - `deleted`: it was deleted for everyone;
 * - `system`: a system line cannot be edited, reacted to, pinned or forwarded;
 * - `too_many_reactions`: the message has as many different reactions as allowed.
 */
export class MessageActionError extends Error {
  constructor(
    readonly reason:
      'not_found' | 'not_sender' | 'too_late' | 'deleted' | 'system' | 'too_many_reactions',
  ) {
    super(reason);
    this.name = 'MessageActionError';
  }
}

/** Conversations as lists and lookups. */
export interface ConversationStore {
  /** The direct conversation of exactly these two users, if any. */
  findDirectConversation(a: string, b: string): Promise<Conversation | null>;
  getConversation(id: string): Promise<Conversation | null>;
  /** The user's membership row (current or past), if they ever belonged. */
  getMembership(conversationId: string, userId: string): Promise<Membership | null>;
  /** Current members, owner first, then admins, then by join time; `cursor` is opaque. */
  listMembers(opts: {
    conversationId: string;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<MemberEntry>>;
  /**
   * Everyone who shares a current conversation of at most `maxMembers` members with the user
   * (who hears about their presence), the user excluded.
   */
  listPeerIds(userId: string, maxMembers: number): Promise<string[]>;
  /** The user's current conversations of at most `maxMembers` members. */
  listConversationIds(userId: string, maxMembers: number): Promise<string[]>;
  /** My conversations (including those I left), latest activity first; `cursor` is opaque. */
  listConversations(opts: {
    userId: string;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<ConversationSummary>>;
  /** One conversation as `listConversations` shows it, if the user ever belonged to it. */
  getConversationSummary(
    userId: string,
    conversationId: string,
  ): Promise<ConversationSummary | null>;
  /**
   * Public, open groups whose title has a word starting with `query` (every group when empty),
   * most members first; `cursor` is opaque.
   */
  listPublicGroups(opts: {
    userId: string;
    query: string;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<GroupListing>>;
  /** Every stretch of every conversation the user belongs or belonged to. */
  listMembershipPeriods(userId: string): Promise<MembershipPeriod[]>;
}

/** Groups: every change in one transaction, with its system message and event. */
export interface GroupStore {
  /**
   * Checks the change against the current state (membership, the actor's role and the
   * policy, the member cap, closed and public flags) and applies it with a system message.
   * Leaving hands ownership to the longest-standing admin, else member; a group whose last
   * member left is closed. A group avatar must be an upload of the actor used by nothing.
   * @throws ConversationRuleError, AttachmentUnavailableError
   */
  changeGroup(input: GroupChangeInput): Promise<GroupChangeResult>;
}

/** Messages: the idempotent send and history pages. */
export interface MessageStore {
  /**
   * In one transaction: check the sender is a current member (or find or create the direct
   * conversation with `recipientId`), give the message the next seq, claim its attachments (see
   * `NewMessage.attachmentIds`; an attachment is claimed by at most one message, even under
   * concurrent calls), resolve mentions among current members, and write its `message.new`
   * event. Idempotent on (senderId, clientMessageId), including under concurrent calls: a retry
   * returns the original without claiming anything.
   * @throws ConversationRuleError, AttachmentUnavailableError
   */
  sendMessage(msg: NewMessage): Promise<SendResult>;
  getMessage(id: string): Promise<Message | null>;
  getMessageByClientId(senderId: string, clientMessageId: string): Promise<Message | null>;
  /**
   * Messages the user may see (within their membership periods), in seq order: the newest
   * before `beforeSeq`, or the oldest after `afterSeq` (at most one of them), returned ascending.
   */
  listMessages(opts: {
    conversationId: string;
    userId: string;
    beforeSeq?: number | null;
    afterSeq?: number | null;
    limit: number;
  }): Promise<Message[]>;
  /** Whether the message at `seq` lies within one of the user's membership periods. */
  canSeeMessage(userId: string, conversationId: string, seq: number): Promise<boolean>;
}

/** What happens to messages after they are sent: edits, deletions, reactions, pins, forwards. */
export interface MessageActionStore {
  /**
   * In one transaction: checks that the actor is a current member who may see the message, that
   * it is a text message not deleted (hiding one for oneself excepted), and the action's own rule
   * (edit: the sender, since `notBefore`; delete: the sender since `notBefore`, or in a group anyone's
   * by a member of `adminRoles`; react: at most `maxEmoji` different emoji), then applies it and
   * writes its event.
   * Deleting removes the text, the mentions and the message's attachments (their ids returned).
   * @throws MessageActionError, ConversationRuleError
   */
  actOnMessage(action: MessageAction, at: Date): Promise<MessageActionResult>;
  /**
   * Sends a copy of a message the actor may see (text, and attachments as new records sharing
   * the same files, marked forwarded) to each conversation they are a current member of, in one
   * transaction. Idempotent per (actor, clientMessageId) like `sendMessage`.
   * @throws MessageActionError, ConversationRuleError
   */
  forwardMessage(input: ForwardInput): Promise<SendResult[]>;
  /** The conversation's pinned messages the user may see, most recently pinned first. */
  listPinned(conversationId: string, userId: string): Promise<Message[]>;
  /** Whether any attachment still uses these files (forwarded copies share them). */
  blobInUse(blobId: string): Promise<boolean>;
}

/** Blocking, privacy settings and reports. */
export interface SafetyStore {
  /** Blocks (or unblocks) a user, with a `user.blocked` event to the blocker's own stream. */
  setBlocked(opts: {
    blockerId: string;
    userId: string;
    blocked: boolean;
    at: Date;
  }): Promise<{ changed: boolean; events: StoredEvent[] }>;
  /** Whom the user blocked, most recent first. */
  listBlocked(userId: string): Promise<BlockEntry[]>;
  /** Of `otherIds`, whom the user blocked and who blocked the user. */
  blockRelations(userId: string, otherIds: string[]): Promise<BlockRelations>;
  /** The settings of each user (defaults for users who never chose), in the order of `userIds`. */
  getSettings(userIds: string[]): Promise<PrivacySettings[]>;
  /**
   * Writes the settings given, with a `settings.changed` event to the user's own stream; when
   * read receipts change, the marks of the user's direct conversations are announced again
   * (in a direct conversation where either member turned read receipts off, the read mark
   * shows nothing read).
   */
  updateSettings(
    userId: string,
    patch: Partial<PrivacySettings>,
    at: Date,
  ): Promise<{ settings: PrivacySettings; events: StoredEvent[] }>;
  createReport(report: NewReport): Promise<Report>;
  /** Reports by status, newest first; `cursor` is opaque. */
  listReports(opts: {
    status: ReportStatus;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<Report>>;
  /** Resolves an open report; null when there is no such report or it was resolved already. */
  resolveReport(opts: {
    id: string;
    resolvedBy: string;
    resolution: string;
    at: Date;
  }): Promise<Report | null>;
}

/** Delivered and read positions. */
export interface ReceiptStore {
  /** Moves a current member's delivered position forward (never back). @throws ConversationRuleError */
  markDelivered(input: ReceiptInput): Promise<ReceiptResult>;
  /**
   * Moves a current member's read (and delivered) position forward (never back), and clears
   * their "marked unread" (with its `conversation.settings` event) even when it did not move.
   * @throws ConversationRuleError
   */
  markRead(input: ReceiptInput): Promise<ReceiptResult>;
  /**
   * For each current member but the sender: when they first had, and read, the message at `seq`
   * (never, for a member it was withheld from).
   */
  listMessageReceipts(opts: {
    conversationId: string;
    seq: number;
    senderId: string;
  }): Promise<MessageReceipt[]>;
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

/** The durable event log. */
export interface EventStore {
  /**
   * The user's events with afterId < id <= upToId, ascending, at most `limit`: those of the
   * conversations they were a member of at each event (see MembershipPeriod) and their own.
   */
  listUserEvents(opts: {
    userId: string;
    afterId: number;
    upToId: number;
    limit: number;
  }): Promise<StoredEvent[]>;
  /** Every event with id > afterId, ascending, at most `limit` (to fill a gap in live delivery). */
  listEvents(opts: { afterId: number; limit: number }): Promise<StoredEvent[]>;
  /** The id of the newest event (the log's first id - 1 when it is empty). */
  lastEventId(): Promise<number>;
  /** Ids below this one belong to an earlier version's streams: a resume point there is void. */
  firstEventId(): Promise<number>;
}

/** Thrown by `updateConversationSettings` when pinning one more would exceed `maxPinned`. */
export class PinLimitError extends Error {
  constructor(readonly maxPinned: number) {
    super(`at most ${maxPinned} conversations can be pinned`);
    this.name = 'PinLimitError';
  }
}

/** Full-text search over the messages a user may read (see search.ts for what a query means). */
export interface SearchStore {
  /**
   * Messages matching `query` (see `parseSearch`) that the user may read: within their membership
   * periods, not deleted, not hidden by them; in one conversation or all of theirs. Newest
   * first, a page of `limit` after `cursor` (opaque; one this store did not issue gives an empty
   * page; see `searchPage` for a page the scan limit cut short). Edits and deletions are
   * searchable as soon as they are committed.
   */
  searchMessages(opts: {
    userId: string;
    query: string;
    conversationId?: string | null;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<SearchHit>>;
}

/** How each user keeps their conversations: mute, pin, archive, marked unread. */
export interface SettingsStore {
  /**
   * In one transaction: checks the user belongs or belonged to the conversation, applies the
   * patch and, when it changed anything, writes a `conversation.settings` event to the user's
   * own stream. `listConversations` and `getConversationSummary` carry the settings.
   * @throws ConversationRuleError('not_found'), PinLimitError
   */
  updateConversationSettings(change: SettingsChange): Promise<SettingsResult>;
}

/** Web Push subscriptions (one per device); whether they show previews is a privacy setting. */
export interface PushStore {
  /** Stores the subscription, replacing any of the same endpoint (a device moves to its new owner). */
  savePushSubscription(subscription: PushSubscription): Promise<void>;
  /** Removes it (only the user's own when `userId` is given); true when it was there. */
  deletePushSubscription(endpoint: string, userId?: string): Promise<boolean>;
  /**
   * Who to push a message of the conversation to: the subscriptions, made by sessions still
   * active at `at`, of its current members but `exceptUserId` (of `userIds` only, when given)
   * who did not mute it until after `at`.
   */
  listPushTargets(opts: {
    conversationId: string;
    exceptUserId: string;
    userIds?: string[] | null;
    at: Date;
  }): Promise<PushSubscription[]>;
}

/** Link previews, cached for a while (their pictures are in a BlobStore). */
export interface LinkPreviewStore {
  /** The cached entry of `url`, unless it expired at or before `now`. */
  getLinkPreview(url: string, now: Date): Promise<CachedLinkPreview | null>;
  /** Stores the entry, replacing any of the same url; expired entries may be removed meanwhile. */
  saveLinkPreview(entry: CachedLinkPreview, now: Date): Promise<void>;
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
    GroupStore,
    MessageStore,
    MessageActionStore,
    SafetyStore,
    ReceiptStore,
    EventStore,
    AttachmentStore,
    SearchStore,
    SettingsStore,
    PushStore,
    LinkPreviewStore {
  readonly kind: 'sqlite' | 'mongo';
  /** Cheap round trip to the database, for /healthz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
