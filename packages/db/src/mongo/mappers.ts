import { DEFAULT_SETTINGS } from '../privacy.ts';
import { fromStoredData } from '../event-data.ts';
import type {
  Attachment,
  Conversation,
  ImageMime,
  Membership,
  MembershipPeriod,
  Message,
  PrivacySettings,
  Report,
  Session,
  StoredEvent,
  User,
  UserWithSecret,
  VoiceMime,
} from '../types.ts';
import type {
  AttachmentDoc,
  ConversationDoc,
  EventLogDoc,
  MemberDoc,
  MessageDoc,
  PeriodDoc,
  ReportDoc,
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
    title: doc.title,
    avatarId: doc.avatarId,
    isPublic: doc.isPublic,
    memberCount: doc.memberCount,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    lastMessageAt: doc.lastMessageAt,
    lastSeq: doc.lastSeq,
    closedAt: doc.closedAt,
  };
}

export function toMembership(doc: MemberDoc): Membership {
  return {
    conversationId: doc.conversationId,
    userId: doc.userId,
    role: doc.role,
    joinedAt: doc.joinedAt,
    leftAt: doc.leftAt,
    deliveredSeq: doc.deliveredSeq,
    readSeq: doc.readSeq,
  };
}

export function toPeriod(doc: PeriodDoc): MembershipPeriod {
  return {
    conversationId: doc.conversationId,
    userId: doc.userId,
    fromEventId: doc.fromEventId,
    toEventId: doc.toEventId,
    fromSeq: doc.fromSeq,
    toSeq: doc.toSeq,
  };
}

export function toMessage(doc: MessageDoc): Message {
  return {
    id: doc._id,
    conversationId: doc.conversationId,
    seq: doc.seq,
    // Messages written before groups existed lack the fields groups added.
    kind: doc.kind ?? 'text',
    senderId: doc.senderId,
    text: doc.text,
    attachmentIds: [...doc.attachmentIds],
    // Messages written before attachments existed have none.
    attachments: [...(doc.attachments ?? [])],
    mentions: [...(doc.mentions ?? [])],
    system: doc.system ?? null,
    clientMessageId: doc.clientMessageId,
    createdAt: doc.createdAt,
    // Filled in by `hydrate` (hydrate.ts), which reads them for a page of messages at once.
    replyTo: null,
    reactions: [],
    // Messages written before message actions existed were never changed.
    editedAt: doc.editedAt ?? null,
    deletedAt: doc.deletedAt ?? null,
    forwarded: doc.forwarded ?? false,
    pinnedAt: doc.pinnedAt ?? null,
  };
}

/** A new message as stored: hidden for those it is withheld from (nobody else hid it yet). */
export function toMessageDoc(message: Message, withheldFrom: string[] = []): MessageDoc {
  const { id, replyTo, reactions: _reactions, ...rest } = message;
  return {
    _id: id,
    ...rest,
    replyToId: replyTo?.messageId ?? null,
    hiddenFor: withheldFrom,
    ...(withheldFrom.length > 0 ? { withheldFrom } : {}),
  };
}

/** An event of the log, with its message (from `messages`) when it is a `message.new`. */
export function toEvent(doc: EventLogDoc, messages: ReadonlyMap<string, Message>): StoredEvent {
  return {
    id: doc._id,
    conversationId: doc.conversationId ?? null,
    userId: doc.userId ?? null,
    data: fromStoredData(doc.data, messages, doc._id),
    createdAt: doc.createdAt,
    ...(doc.members ? { members: doc.members } : {}),
    ...(doc.except?.length ? { except: doc.except } : {}),
  };
}

export function toAttachment(doc: AttachmentDoc): Attachment {
  const common = {
    id: doc._id,
    ownerId: doc.ownerId,
    size: doc.size,
    createdAt: doc.createdAt,
    messageId: doc.messageId,
    conversationId: doc.conversationId,
    isAvatar: doc.isAvatar,
    // Uploads recorded before groups existed are nobody's group picture.
    groupAvatarOf: doc.groupAvatarOf ?? null,
    // Uploads recorded before forwarding existed use their own files.
    blobId: doc.blobId ?? doc._id,
  };
  switch (doc.kind) {
    case 'image':
      return {
        ...common,
        kind: 'image',
        mime: doc.mime as ImageMime,
        width: doc.width!,
        height: doc.height!,
        variants: { display: { ...doc.variants!.display }, thumb: { ...doc.variants!.thumb } },
      };
    case 'file':
      return { ...common, kind: 'file', mime: doc.mime, name: doc.name! };
    case 'voice':
      return { ...common, kind: 'voice', mime: doc.mime as VoiceMime, durationMs: doc.durationMs! };
  }
}

/** A user's privacy settings as stored; the defaults for a user who is not there. */
export function toSettings(privacy: Partial<PrivacySettings> | undefined): PrivacySettings {
  return {
    lastSeen: privacy?.lastSeen ?? DEFAULT_SETTINGS.lastSeen,
    readReceipts: privacy?.readReceipts ?? DEFAULT_SETTINGS.readReceipts,
    notificationPreviews: privacy?.notificationPreviews ?? DEFAULT_SETTINGS.notificationPreviews,
  };
}

export function toReport(doc: ReportDoc): Report {
  return {
    id: doc._id,
    reporterId: doc.reporterId,
    userId: doc.userId,
    messageId: doc.messageId,
    reason: doc.reason,
    details: doc.details,
    context: doc.context.map((m) => ({
      id: m.id,
      senderId: m.senderId,
      text: m.text,
      createdAt: m.createdAt,
    })),
    createdAt: doc.createdAt,
    status: doc.status,
    resolvedBy: doc.resolvedBy,
    resolution: doc.resolution,
    resolvedAt: doc.resolvedAt,
  };
}
