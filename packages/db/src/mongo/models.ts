import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import type {
  Attachment,
  AttachmentVariant,
  DurableEventData,
  Message,
  MessageAttachment,
} from '../types.ts';

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
  eventSeq: number; // the last durable event id given to this user
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

export interface MemberDoc {
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

export interface ConversationDoc {
  _id: string;
  kind: 'direct' | 'group';
  pairKey: string;
  memberIds: string[];
  members: MemberDoc[];
  createdAt: Date;
  lastMessageAt: Date; // always set: a conversation is created by its first message
  lastSeq: number;
}

export type MessageDoc = Omit<Message, 'id'> & { _id: string };

export type AttachmentDoc = Omit<Attachment, 'id'> & { _id: string };

export interface EventDoc {
  userId: string;
  id: number;
  data: DurableEventData;
  createdAt: Date;
}

const options = { versionKey: false, id: false } as const;
const uuid = { type: String, default: () => randomUUID() };
const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };
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
    eventSeq: counter,
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

const memberSchema = new Schema<MemberDoc>(
  { userId: { type: String, required: true }, deliveredSeq: counter, readSeq: counter },
  { _id: false, ...options },
);

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['direct', 'group'], required: true },
    pairKey: { type: String, required: true, unique: true },
    memberIds: { type: [String], required: true },
    members: { type: [memberSchema], required: true },
    createdAt: { type: Date, required: true },
    lastMessageAt: { type: Date, required: true },
    lastSeq: counter,
  },
  options,
);
conversationSchema.index({ memberIds: 1, lastMessageAt: -1, _id: -1 });

const imageMime = {
  type: String,
  enum: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  required: true,
};
const positive = { type: Number, required: true, min: 1 };

const messageAttachmentSchema = new Schema<MessageAttachment>(
  {
    id: { type: String, required: true },
    kind: { type: String, enum: ['image'], required: true },
    mime: imageMime,
    width: positive,
    height: positive,
    url: { type: String, required: true },
    thumbUrl: { type: String, required: true },
    thumbWidth: positive,
    thumbHeight: positive,
  },
  { _id: false, ...options },
);

const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    senderId: { type: String, required: true },
    text: { type: String, default: '' },
    attachmentIds: { type: [String], default: [] },
    // A copy of what the client needs of each attachment, taken when the message was sent.
    attachments: { type: [messageAttachmentSchema], default: [] },
    clientMessageId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  options,
);
messageSchema.index({ senderId: 1, clientMessageId: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });

const variantSchema = new Schema<AttachmentVariant>(
  { width: positive, height: positive, size: positive },
  { _id: false, ...options },
);

const attachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: uuid,
    ownerId: { type: String, required: true },
    kind: { type: String, enum: ['image'], required: true },
    mime: imageMime,
    size: positive,
    width: positive,
    height: positive,
    variants: {
      display: { type: variantSchema, required: true },
      thumb: { type: variantSchema, required: true },
    },
    createdAt: { type: Date, required: true },
    messageId: nullableString,
    conversationId: nullableString,
    isAvatar: { type: Boolean, required: true, default: false },
  },
  options,
);
// The garbage collector's query: unused uploads, oldest first.
attachmentSchema.index({ messageId: 1, isAvatar: 1, createdAt: 1 });
// A user's current avatar, released when another is set.
attachmentSchema.index({ ownerId: 1, isAvatar: 1 });

const eventSchema = new Schema<EventDoc>(
  {
    userId: { type: String, required: true },
    id: { type: Number, required: true, min: 1 },
    data: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  options,
);
eventSchema.index({ userId: 1, id: 1 }, { unique: true });

export function createModels(conn: Connection) {
  return {
    User: conn.model('User', userSchema, 'users'),
    Session: conn.model('Session', sessionSchema, 'sessions'),
    RefreshToken: conn.model('RefreshToken', refreshTokenSchema, 'refreshTokens'),
    Conversation: conn.model('Conversation', conversationSchema, 'conversations'),
    Message: conn.model('Message', messageSchema, 'messages'),
    Event: conn.model('Event', eventSchema, 'events'),
    Attachment: conn.model('Attachment', attachmentSchema, 'attachments'),
  };
}

export type Models = ReturnType<typeof createModels>;
