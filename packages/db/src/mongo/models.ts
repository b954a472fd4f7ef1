import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { DEFAULT_SETTINGS } from '../privacy.ts';
import type { StoredEventData } from '../event-data.ts';
import type {
  AttachmentKind,
  AttachmentVariant,
  AttachmentVariantName,
  MembershipChange,
  Message,
  MessageAttachment,
  PrivacySettings,
  ReceiptMarks,
  Report,
  Role,
} from '../types.ts';
import { conversationSettingsSchema, pushSubscriptionSchema } from './find-models.ts';
import { linkPreviewSchema } from './link-previews.ts';

// Case-insensitive comparison: the unique indexes on username and email, and their lookups.
export const CASE_INSENSITIVE = { locale: 'en', strength: 2 } as const;

export interface UserDoc {
  _id: string;
  // Stored lower-cased, so binary order is the same as SQLite's NOCASE column.
  username: string;
  email: string;
  passwordHash: string;
  displayName: string;
  bio: string;
  avatarId: string | null;
  createdAt: Date;
  lastSeenAt: Date | null;
  /** Stored for every user (with the defaults until they choose; v4 gave older users those). */
  privacy: PrivacySettings;
}

export interface SessionDoc {
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
  ip: string | null;
}

export interface RefreshTokenDoc {
  _id: string; // the token's hash
  sessionId: string;
  createdAt: Date;
  rotatedAt: Date | null;
}

export interface ConversationDoc {
  _id: string;
  kind: 'direct' | 'group';
  /** Direct conversations only (absent on groups): the unique key of the pair. */
  pairKey?: string;
  title: string | null;
  avatarId: string | null;
  isPublic: boolean;
  createdBy: string | null;
  memberCount: number;
  createdAt: Date;
  lastMessageAt: Date | null;
  lastSeq: number;
  closedAt: Date | null;
}

/** One person's place in a conversation; it stays after they leave (`leftAt` set). */
export interface MemberDoc {
  conversationId: string;
  userId: string;
  role: Role;
  joinedAt: Date;
  leftAt: Date | null;
  deliveredSeq: number;
  readSeq: number;
}

export interface PeriodDoc {
  userId: string;
  conversationId: string;
  fromEventId: number;
  toEventId: number | null;
  fromSeq: number;
  toSeq: number | null;
}

/**
 * A message as stored. What is read beside it (the preview of the message it answers, its
 * reactions) is not in it: `hydrate` reads them as they are now.
 */
export interface MessageDoc extends Omit<Message, 'id' | 'replyTo' | 'reactions'> {
  _id: string;
  /** The message it answers, or null. */
  replyToId: string | null;
  /** Who deleted it for themselves only, or had it withheld (reads leave it out: see SHOWN_FIELDS). */
  hiddenFor?: string[];
  /** Whom it was withheld from (they blocked the sender): never delivered to them. */
  withheldFrom?: string[];
}

/** The projection of every read of messages: who hid one is nobody else's business. */
export const SHOWN_FIELDS = { hiddenFor: 0, withheldFrom: 0 } as const;

/** Pinned messages (`pinnedAt` null or absent: not pinned); a query must say so to use its index. */
export const PINNED = { pinnedAt: { $type: 'date' } } as const;

/** One person's reaction with one emoji to one message (each at most once). */
export interface ReactionDoc {
  messageId: string;
  emoji: string;
  userId: string;
  createdAt: Date;
}

/**
 * An attachment as stored: one document shape for every kind, with the fields of its kind
 * (width, height and variants of an image; name of a file; durationMs of a voice note).
 */
export interface AttachmentDoc {
  _id: string;
  ownerId: string;
  kind: AttachmentKind;
  mime: string;
  size: number;
  createdAt: Date;
  messageId: string | null;
  conversationId: string | null;
  isAvatar: boolean;
  groupAvatarOf: string | null;
  blobId: string;
  width?: number;
  height?: number;
  variants?: Record<AttachmentVariantName, AttachmentVariant>;
  name?: string;
  durationMs?: number;
}

/** One user blocking another (each pair at most once). */
export interface BlockDoc {
  blockerId: string;
  blockedId: string;
  createdAt: Date;
}

export type ReportDoc = Omit<Report, 'id'> & { _id: string };

/** When a member had (`delivered`) or read every message up to `upToSeq`. */
export interface ReceiptLogDoc {
  conversationId: string;
  upToSeq: number;
  userId: string;
  kind: 'delivered' | 'read';
  at: Date;
}

/**
 * A conversation's receipt marks as last announced (null: never). Every transaction that moves
 * a position rewrites it (`writes`), so two of them in one conversation always conflict and the
 * later one sees the earlier one's positions: announcements cannot be skipped by write skew.
 * Kept off the conversation document so that receipts never conflict with sends.
 */
export interface MarksDoc {
  _id: string; // the conversation's id
  marks: ReceiptMarks | null;
  writes: number;
}

/**
 * An event of the log. Exactly one of `conversationId` and `userId` is present (the other is
 * absent, not null, so that the partial indexes hold only the events of their kind).
 */
export interface EventLogDoc {
  _id: number;
  conversationId?: string;
  userId?: string;
  data: StoredEventData;
  members?: MembershipChange;
  /** Members of the conversation who must not see it (absent when there are none). */
  except?: string[];
  createdAt: Date;
}

/**
 * The log's counter: `value` is the newest id given; `first` the log's first id (fixed);
 * `claims` counts the transactions that claimed it (see `logCommitter`).
 */
export interface CounterDoc {
  _id: 'events';
  value: number;
  first: number;
  claims: number;
}

const options = { versionKey: false, id: false } as const;
const uuid = { type: String, default: () => randomUUID() };
const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };
const nullableNumber = { type: Number, default: null };
const counter = { type: Number, required: true, min: 0, default: 0 };

const userSchema = new Schema<UserDoc>(
  {
    _id: uuid,
    username: { type: String, required: true, lowercase: true, maxlength: 64 },
    email: { type: String, required: true, lowercase: true, maxlength: 254 },
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true, maxlength: 256 },
    bio: { type: String, default: '', maxlength: 2000 },
    avatarId: nullableString,
    createdAt: { type: Date, required: true, default: () => new Date() },
    lastSeenAt: nullableDate,
    privacy: {
      lastSeen: {
        type: String,
        enum: ['everyone', 'contacts', 'nobody'],
        required: true,
        default: DEFAULT_SETTINGS.lastSeen,
      },
      readReceipts: { type: Boolean, required: true, default: DEFAULT_SETTINGS.readReceipts },
      notificationPreviews: {
        type: Boolean,
        required: true,
        default: DEFAULT_SETTINGS.notificationPreviews,
      },
    },
  },
  options,
);
userSchema.index({ username: 1 }, { unique: true, collation: CASE_INSENSITIVE });
userSchema.index({ email: 1 }, { unique: true, collation: CASE_INSENSITIVE });
// Binary order for listUsers and searchUsers; the collation indexes cannot serve a sort without it.
userSchema.index({ username: 1, _id: 1 });

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: uuid,
    userId: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: nullableDate,
    userAgent: nullableString,
    ip: nullableString,
  },
  options,
);

const refreshTokenSchema = new Schema<RefreshTokenDoc>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    rotatedAt: nullableDate,
  },
  options,
);

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['direct', 'group'], required: true },
    pairKey: { type: String },
    title: nullableString,
    avatarId: nullableString,
    isPublic: { type: Boolean, required: true, default: false },
    createdBy: nullableString,
    memberCount: counter,
    createdAt: { type: Date, required: true },
    lastMessageAt: nullableDate,
    lastSeq: counter,
    closedAt: nullableDate,
  },
  options,
);
// One direct conversation per pair; groups have no pair key (a partial index skips them).
conversationSchema.index(
  { pairKey: 1 },
  { unique: true, partialFilterExpression: { pairKey: { $exists: true } } },
);
// browse: public groups, most members first.
conversationSchema.index(
  { memberCount: -1, _id: -1 },
  { partialFilterExpression: { isPublic: true } },
);

const roles = ['owner', 'admin', 'member'];

const memberSchema = new Schema<MemberDoc>(
  {
    conversationId: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, enum: roles, required: true },
    joinedAt: { type: Date, required: true },
    leftAt: nullableDate,
    deliveredSeq: counter,
    readSeq: counter,
  },
  options,
);
memberSchema.index({ conversationId: 1, userId: 1 }, { unique: true });
// A user's conversations (listConversations, listPeerIds).
memberSchema.index({ userId: 1 });
// The two lowest positions of the current members (receipt marks).
memberSchema.index({ conversationId: 1, leftAt: 1, deliveredSeq: 1, userId: 1 });
memberSchema.index({ conversationId: 1, leftAt: 1, readSeq: 1, userId: 1 });

const periodSchema = new Schema<PeriodDoc>(
  {
    userId: { type: String, required: true },
    conversationId: { type: String, required: true },
    fromEventId: { type: Number, required: true, min: 0 },
    toEventId: nullableNumber,
    fromSeq: { type: Number, required: true, min: 1 },
    toSeq: nullableNumber,
  },
  options,
);
periodSchema.index({ userId: 1, conversationId: 1, fromEventId: 1 }, { unique: true });

const positive = { type: Number, required: true, min: 1 };
const KINDS: AttachmentKind[] = ['image', 'file', 'voice'];
/** A field of some kinds of attachment: required on those, absent on the others. */
function ofKind<T extends object>(kinds: AttachmentKind | AttachmentKind[], field: T) {
  const of = ([] as AttachmentKind[]).concat(kinds);
  return {
    ...field,
    required(this: { kind: AttachmentKind }) {
      return of.includes(this.kind);
    },
  };
}
const kindFields = {
  kind: { type: String, enum: KINDS, required: true },
  mime: { type: String, required: true },
  width: ofKind('image', { type: Number, min: 1 }),
  height: ofKind('image', { type: Number, min: 1 }),
  name: ofKind('file', { type: String }),
  durationMs: ofKind('voice', { type: Number, min: 0 }),
};

// One shape for every kind of MessageAttachment (see kindFields).
const messageAttachmentSchema = new Schema<MessageAttachment>(
  {
    id: { type: String, required: true },
    ...kindFields,
    size: ofKind(['file', 'voice'], { type: Number, min: 0 }),
    url: { type: String, required: true },
    thumbUrl: ofKind('image', { type: String }),
    thumbWidth: ofKind('image', { type: Number, min: 1 }),
    thumbHeight: ofKind('image', { type: Number, min: 1 }),
  },
  { _id: false, ...options },
);

const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    kind: { type: String, enum: ['text', 'system'], required: true, default: 'text' },
    senderId: { type: String, required: true },
    text: { type: String, default: '' },
    attachmentIds: { type: [String], default: [] },
    // A copy of what the client needs of each attachment, taken when the message was sent.
    attachments: { type: [messageAttachmentSchema], default: [] },
    mentions: { type: [String], default: [] },
    system: { type: Schema.Types.Mixed, default: null },
    clientMessageId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    replyToId: nullableString,
    editedAt: nullableDate,
    deletedAt: nullableDate,
    forwarded: { type: Boolean, required: true, default: false },
    pinnedAt: nullableDate,
    hiddenFor: { type: [String], default: [] },
    withheldFrom: { type: [String], default: undefined },
  },
  options,
);
messageSchema.index({ senderId: 1, clientMessageId: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// Search, within one conversation at a time (a compound text index needs the conversation as an
// equality): words folded for case and accents (version 3), no stemming or stop words.
messageSchema.index(
  { conversationId: 1, text: 'text' },
  { name: 'messages_search', default_language: 'none' },
);
// A conversation's pinned messages, most recently pinned first (only those pinned are in it).
messageSchema.index(
  { conversationId: 1, pinnedAt: -1, seq: -1 },
  { partialFilterExpression: PINNED },
);

const reactionSchema = new Schema<ReactionDoc>(
  {
    messageId: { type: String, required: true },
    emoji: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  options,
);
reactionSchema.index({ messageId: 1, emoji: 1, userId: 1 }, { unique: true });
// A page's reactions in the order they were made (covering what hydrating reads).
reactionSchema.index({ messageId: 1, createdAt: 1, userId: 1, emoji: 1 });

const receiptLogSchema = new Schema<ReceiptLogDoc>(
  {
    conversationId: { type: String, required: true },
    upToSeq: { type: Number, required: true },
    userId: { type: String, required: true },
    kind: { type: String, enum: ['delivered', 'read'], required: true },
    at: { type: Date, required: true },
  },
  options,
);
receiptLogSchema.index({ conversationId: 1, upToSeq: 1, userId: 1, kind: 1 }, { unique: true });

const marksSchema = new Schema<MarksDoc>(
  {
    _id: { type: String, required: true },
    marks: { type: Schema.Types.Mixed, default: null },
    writes: counter,
  },
  options,
);

const variantSchema = new Schema<AttachmentVariant>(
  { width: positive, height: positive, size: positive },
  { _id: false, ...options },
);

const attachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: uuid,
    ownerId: { type: String, required: true },
    ...kindFields,
    size: positive,
    variants: {
      display: ofKind('image', { type: variantSchema }),
      thumb: ofKind('image', { type: variantSchema }),
    },
    createdAt: { type: Date, required: true },
    messageId: nullableString,
    conversationId: nullableString,
    isAvatar: { type: Boolean, required: true, default: false },
    groupAvatarOf: nullableString,
    blobId: { type: String, required: true },
  },
  options,
);
// The garbage collector's query: unused uploads, oldest first.
attachmentSchema.index({ messageId: 1, isAvatar: 1, groupAvatarOf: 1, createdAt: 1 });
// A user's current avatar, released when another is set.
attachmentSchema.index({ ownerId: 1, isAvatar: 1 });
// A group's current picture, released when another is set.
attachmentSchema.index({ groupAvatarOf: 1 });
// Whether files are still used (by the forwarded copies sharing them).
attachmentSchema.index({ blobId: 1 });

const eventLogSchema = new Schema<EventLogDoc>(
  {
    _id: { type: Number, required: true, min: 1 },
    conversationId: { type: String },
    userId: { type: String },
    data: { type: Schema.Types.Mixed, required: true },
    members: { type: Schema.Types.Mixed },
    // Absent rather than empty (an array path defaults to [] unless told otherwise).
    except: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
  },
  options,
);
// Replay: a conversation's events, and a user's own, in id order.
eventLogSchema.index(
  { conversationId: 1, _id: 1 },
  { partialFilterExpression: { conversationId: { $exists: true } } },
);
eventLogSchema.index(
  { userId: 1, _id: 1 },
  { partialFilterExpression: { userId: { $exists: true } } },
);

const blockSchema = new Schema<BlockDoc>(
  {
    blockerId: { type: String, required: true },
    blockedId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  options,
);
// Whom a user blocked (listBlocked, blockRelations); a user's blocks are few, sorted in memory.
blockSchema.index({ blockerId: 1, blockedId: 1 }, { unique: true });
// Who blocked a user (blockRelations).
blockSchema.index({ blockedId: 1, blockerId: 1 });

const reportContextSchema = new Schema<ReportDoc['context'][number]>(
  {
    id: { type: String, required: true },
    senderId: { type: String, required: true },
    // Not `required`: mongoose refuses an empty string there (a deleted message has no text).
    text: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { _id: false, ...options },
);

const reportSchema = new Schema<ReportDoc>(
  {
    _id: uuid,
    reporterId: { type: String, required: true },
    userId: { type: String, required: true },
    messageId: nullableString,
    reason: { type: String, enum: ['spam', 'abuse', 'impersonation', 'other'], required: true },
    details: { type: String, default: '' },
    context: { type: [reportContextSchema], default: [] },
    createdAt: { type: Date, required: true },
    status: { type: String, enum: ['open', 'resolved'], required: true, default: 'open' },
    resolvedBy: nullableString,
    resolution: nullableString,
    resolvedAt: nullableDate,
  },
  options,
);
// The admins' lists: by status, newest first.
reportSchema.index({ status: 1, createdAt: -1, _id: -1 });

const counterSchema = new Schema<CounterDoc>(
  {
    _id: { type: String, required: true },
    value: { type: Number, required: true, min: 0 },
    first: { type: Number, required: true, min: 1 },
    claims: counter,
  },
  options,
);

/** The collections of the store, by model. */
export function createModels(conn: Connection) {
  return {
    User: conn.model('User', userSchema, 'users'),
    Session: conn.model('Session', sessionSchema, 'sessions'),
    RefreshToken: conn.model('RefreshToken', refreshTokenSchema, 'refreshTokens'),
    Conversation: conn.model('Conversation', conversationSchema, 'conversations'),
    Member: conn.model('Member', memberSchema, 'members'),
    Period: conn.model('Period', periodSchema, 'periods'),
    Message: conn.model('Message', messageSchema, 'messages'),
    Reaction: conn.model('Reaction', reactionSchema, 'reactions'),
    ReceiptLog: conn.model('ReceiptLog', receiptLogSchema, 'receiptLog'),
    Marks: conn.model('Marks', marksSchema, 'receiptMarks'),
    EventLog: conn.model('EventLog', eventLogSchema, 'eventLog'),
    Counter: conn.model('Counter', counterSchema, 'counters'),
    Attachment: conn.model('Attachment', attachmentSchema, 'attachments'),
    Block: conn.model('Block', blockSchema, 'blocks'),
    Report: conn.model('Report', reportSchema, 'reports'),
    ConversationSettings: conn.model(
      'ConversationSettings',
      conversationSettingsSchema,
      'conversationSettings',
    ),
    PushSubscription: conn.model('PushSubscription', pushSubscriptionSchema, 'pushSubscriptions'),
    LinkPreview: conn.model('LinkPreview', linkPreviewSchema, 'linkPreviews'),
  };
}

export type Models = ReturnType<typeof createModels>;
