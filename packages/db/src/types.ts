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

/** A member's standing in a group; direct conversations have two plain members. */
export type Role = 'owner' | 'admin' | 'member';

export interface Conversation {
  id: string;
  /** 'direct': two people, opened by sending `to` a user; 'group': a titled conversation of many. */
  kind: 'direct' | 'group';
  /** Groups only (null for direct conversations). */
  title: string | null;
  /** A group's picture (an attachment), or null. */
  avatarId: string | null;
  /** Public groups can be found with `browse` and joined by anyone signed in. */
  isPublic: boolean;
  /** Current members. */
  memberCount: number;
  createdBy: string | null;
  createdAt: Date;
  lastMessageAt: Date | null;
  /** The seq of the newest message (0 when none). */
  lastSeq: number;
  /** Set when the last member left a group: nobody can join or send any more. */
  closedAt: Date | null;
}

/** One person's place in a conversation. Rows stay after a member leaves (`leftAt` is set). */
export interface Membership {
  conversationId: string;
  userId: string;
  role: Role;
  joinedAt: Date;
  /** Null while a member; set when they left or were removed. */
  leftAt: Date | null;
  /** How far their clients have received and read (by message seq). */
  deliveredSeq: number;
  readSeq: number;
}

/**
 * A stretch of a conversation a user may see: from the event (and message) that made them a
 * member to the one that ended it, both inclusive; `to*` null while they are a member.
 */
export interface MembershipPeriod {
  conversationId: string;
  userId: string;
  fromEventId: number;
  toEventId: number | null;
  fromSeq: number;
  toSeq: number | null;
}

/** What the timeline shows for a change of a group (a message of kind 'system'). */
export type SystemEvent =
  | { action: 'created'; actorId: string; title: string; userIds: string[] }
  | { action: 'added'; actorId: string; userIds: string[] }
  | { action: 'removed'; actorId: string; userId: string }
  /** `newOwnerId`: who became owner because the owner left (null when they were not the owner). */
  | { action: 'left'; actorId: string; newOwnerId: string | null }
  | { action: 'joined'; actorId: string }
  | {
      action: 'updated';
      actorId: string;
      title?: string;
      avatarId?: string | null;
      isPublic?: boolean;
    }
  /** `role: 'owner'` hands the group over: the actor (the owner) becomes an admin. */
  | { action: 'role'; actorId: string; userId: string; role: Role };

export interface Message {
  id: string;
  conversationId: string;
  /** Position in the conversation, 1, 2, 3, ... */
  seq: number;
  /** 'system' messages record a change of the group (`system`); they have no text of their own. */
  kind: 'text' | 'system';
  senderId: string;
  text: string;
  attachmentIds: string[];
  /** What the client shows of each attachment, in `attachmentIds` order (copied when sent). */
  attachments: MessageAttachment[];
  /** Members named with `@username` in the text (ids, each once). */
  mentions: string[];
  system: SystemEvent | null;
  clientMessageId: string;
  createdAt: Date;
  /** The message this one answers, as it is now. */
  replyTo: ReplyPreview | null;
  /** Set when the text was changed after sending (the text is the latest). */
  editedAt: Date | null;
  /** Set when it was deleted for everyone: the text and attachments are gone. */
  deletedAt: Date | null;
  /** Sent with `forward` from another message. */
  forwarded: boolean;
  /** Reactions, most first. */
  reactions: Reaction[];
  /** Set while it is pinned in its conversation. */
  pinnedAt: Date | null;
}

/** What a reply shows of the message it answers. */
export interface ReplyPreview {
  messageId: string;
  senderId: string;
  /** At most 200 characters; empty once deleted. */
  text: string;
  attachmentCount: number;
  deleted: boolean;
}

/** One emoji on a message and who put it there. */
export interface Reaction {
  emoji: string;
  count: number;
  /** Who reacted, earliest first (at most 100). */
  userIds: string[];
}

/** The image formats Parley accepts; variants keep the format of their upload. */
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** The renditions made of every image; `original` is the one blob of a file or a voice note. */
export type AttachmentVariantName = 'display' | 'thumb';
export type AttachmentBlobName = AttachmentVariantName | 'original';

export interface AttachmentVariant {
  width: number;
  height: number;
  /** Bytes. */
  size: number;
}

/** What an attachment is: an image (re-encoded, in variants), any file, or a voice note. */
export type AttachmentKind = 'image' | 'file' | 'voice';

/** The containers of voice notes Parley accepts (Opus audio in each). */
export type VoiceMime = 'audio/webm' | 'audio/ogg';

/** What every attachment has, whatever its kind, and what uses it. */
interface AttachmentCommon {
  id: string;
  ownerId: string;
  /** Bytes of the upload as received. */
  size: number;
  createdAt: Date;
  /** The message it was sent with, or null. */
  messageId: string | null;
  /** The conversation of that message, or null. */
  conversationId: string | null;
  /** Whether it is its owner's avatar now (images only). */
  isAvatar: boolean;
  /** Whose files it uses: its own id, or the attachment it was forwarded from. */
  blobId: string;
  /** The group whose picture it is now, or null (images only). */
  groupAvatarOf: string | null;
}

/** An uploaded image: its variants are re-encoded renditions (its original bytes are never kept). */
export interface ImageAttachment extends AttachmentCommon {
  kind: 'image';
  /** The format of the upload and of its variants. */
  mime: ImageMime;
  /** Of the upload, upright (after its orientation was applied). */
  width: number;
  height: number;
  variants: Record<AttachmentVariantName, AttachmentVariant>;
}

/** Any file, kept as uploaded in one blob (`original`), only ever served as a download. */
export interface FileAttachment extends AttachmentCommon {
  kind: 'file';
  /** The type it is served with: a safe type named by its bytes or its name, else application/octet-stream. */
  mime: string;
  /** Its name as uploaded, made safe (no path, no control characters, at most 200 characters). */
  name: string;
}

/** A recorded voice note (Opus in WebM or Ogg), kept as uploaded in one blob (`original`). */
export interface VoiceAttachment extends AttachmentCommon {
  kind: 'voice';
  mime: VoiceMime;
  /** Read from the container by the server. */
  durationMs: number;
}

export type Attachment = ImageAttachment | FileAttachment | VoiceAttachment;

type NewFields<T> = Omit<
  T,
  'id' | 'messageId' | 'conversationId' | 'isAvatar' | 'blobId' | 'groupAvatarOf'
>;
export type NewImageAttachment = NewFields<ImageAttachment>;
export type NewFileAttachment = NewFields<FileAttachment>;
export type NewVoiceAttachment = NewFields<VoiceAttachment>;
export type NewAttachment = NewImageAttachment | NewFileAttachment | NewVoiceAttachment;

/** An image as a message carries it: all a client needs to lay it out and fetch it. */
export interface MessageImage {
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

/** A file as a message carries it: a download card. */
export interface MessageFile {
  id: string;
  kind: 'file';
  mime: string;
  name: string;
  /** Bytes. */
  size: number;
  /** `/api/files/<id>/original`: always a download (Content-Disposition: attachment). */
  url: string;
}

/** A voice note as a message carries it: a player. */
export interface MessageVoice {
  id: string;
  kind: 'voice';
  mime: VoiceMime;
  /** Bytes. */
  size: number;
  durationMs: number;
  /** `/api/files/<id>/original`: the audio, with range requests. */
  url: string;
}

/** An attachment as a message carries it (copied when sent, so events replay as sent). */
export type MessageAttachment = MessageImage | MessageFile | MessageVoice;

/**
 * How far the members of a conversation have got (delivered or read), as the two lowest
 * positions: enough for any member to tell how far *everyone else* has got (see `othersReached`)
 * without an event per member per message.
 */
export interface ReceiptMark {
  /** The lowest position of any current member. */
  lowest: number;
  /** The member at `lowest` when they alone are there; null when several are. */
  lowestUserId: string | null;
  /** The lowest position among the others than `lowestUserId`; null with fewer than two members. */
  nextLowest: number | null;
}

export interface ReceiptMarks {
  delivered: ReceiptMark;
  read: ReceiptMark;
}

/** A conversation as one user's list shows it. */
export interface ConversationSummary {
  conversation: Conversation;
  /** The user's own membership (with `leftAt` set when they left or were removed). */
  membership: Membership;
  /** The other member of a direct conversation. */
  peerId: string | null;
  /** The newest message the user may see. */
  lastMessage: Message | null;
  /** Messages from others after the user's read position. */
  unreadCount: number;
  /** Of those, the ones that mention the user. */
  mentionCount: number;
  receipts: ReceiptMarks;
  /** How the user keeps this conversation: muted, pinned, archived, marked unread. */
  settings: ConversationSettings;
}

/** A public group as `browse` lists it. */
export interface GroupListing {
  conversation: Conversation;
  /** Whether the asking user is a member now. */
  isMember: boolean;
}

/** A current member as the member list shows them. */
export interface MemberEntry {
  userId: string;
  role: Role;
  joinedAt: Date;
}

/** What a member's clients had of one message, and when (null: not yet). */
export interface MessageReceipt {
  userId: string;
  deliveredAt: Date | null;
  readAt: Date | null;
}

/** What the store persists for the durable event stream. */
export type DurableEventData =
  /** A message (or a system line: membership is part of the history) was stored. */
  | { type: 'message.new'; message: Message }
  /** The conversation's delivered or read marks moved. */
  | { type: 'receipts'; conversationId: string; marks: ReceiptMarks }
  /** The user read up to `readSeq` (on one of their devices): badges follow on the others. */
  | {
      type: 'conversation.read';
      conversationId: string;
      readSeq: number;
      unreadCount: number;
      mentionCount: number;
    }
  /** Its text changed (the message as it is now). */
  | { type: 'message.edited'; message: Message }
  /** Deleted for everyone (the message as a tombstone). */
  | { type: 'message.deleted'; message: Message }
  | {
      type: 'reaction.added' | 'reaction.removed';
      conversationId: string;
      messageId: string;
      emoji: string;
      userId: string;
    }
  | {
      type: 'message.pinned' | 'message.unpinned';
      conversationId: string;
      messageId: string;
      userId: string;
    }
  /** Deleted for me only: my other devices hide it too. */
  | { type: 'message.hidden'; conversationId: string; messageId: string }
  /** How I keep a conversation changed (on one of my devices): the others follow. */
  | ({ type: 'conversation.settings'; conversationId: string } & ConversationSettings)
  /** I blocked or unblocked someone (on one of my devices). */
  | { type: 'user.blocked'; userId: string; blocked: boolean }
  /** My privacy settings changed (on one of my devices). */
  | { type: 'settings.changed'; settings: PrivacySettings };

/** Who an event made a member of its conversation, and whose membership it ended. */
export interface MembershipChange {
  joined: string[];
  left: string[];
}

/**
 * A durable event. Events form one log for the whole server: `id` grows by one per event, in
 * commit order. An event concerns either a conversation (`conversationId`: every member at that
 * moment sees it) or one user (`userId`).
 */
export interface StoredEvent {
  id: number;
  conversationId: string | null;
  userId: string | null;
  data: DurableEventData;
  createdAt: Date;
  /**
   * Present when the event changed who is in its conversation (a new direct conversation's first
   * message, a group's system message): those joining see it, and so do those leaving.
   */
  members?: MembershipChange;
  /** Members who must not see it (a message withheld from whoever blocked its sender). */
  except?: string[];
}

interface NewMessageBase {
  senderId: string;
  text: string;
  /**
   * Uploads of the sender, used by no message and not an avatar: `sendMessage` claims them for
   * the message in its transaction (or throws `AttachmentUnavailableError`, writing nothing).
   */
  attachmentIds: string[];
  /** Usernames written as `@name` in the text: those of current members become mentions. */
  mentionUsernames: string[];
  clientMessageId: string;
  createdAt: Date;
  /** A message of the same conversation that this one answers (the sender must see it). */
  replyToId?: string | null;
  /**
   * Members it is withheld from (they blocked its sender): hidden for them, and its event never
   * reaches them; to the sender it looks sent and not delivered.
   */
  withheldFrom?: string[];
}

/** To a conversation the sender is a member of, or to a user (their direct conversation). */
export type NewMessage = NewMessageBase &
  (
    | { conversationId: string; recipientId?: never }
    | { recipientId: string; conversationId?: never }
  );

export interface SendResult {
  message: Message;
  /** False when (senderId, clientMessageId) already existed: `message` is the original. */
  created: boolean;
  /** Events written in the same transaction (empty when not created). */
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
  membership: Membership;
  /**
   * Durable events written in the same transaction: `receipts` when the conversation's marks
   * moved, and for a read, `conversation.read` to the reader's own stream.
   */
  events: StoredEvent[];
}

/**
 * Who may act on whom: the actor's role → the roles of members they may act on (an empty list:
 * the actor may act, but on nobody else). Roles not listed may not act at all.
 */
export type RolePolicy = Partial<Record<Role, Role[]>>;

/** A change of a group, checked and applied in one transaction. */
export type GroupChange =
  | {
      type: 'create';
      actorId: string;
      title: string;
      memberIds: string[];
      avatarId: string | null;
      isPublic: boolean;
    }
  | { type: 'add'; conversationId: string; actorId: string; userIds: string[]; policy: RolePolicy }
  | { type: 'remove'; conversationId: string; actorId: string; userId: string; policy: RolePolicy }
  | { type: 'leave'; conversationId: string; actorId: string }
  | { type: 'join'; conversationId: string; actorId: string }
  | {
      type: 'update';
      conversationId: string;
      actorId: string;
      policy: RolePolicy;
      title?: string;
      avatarId?: string | null;
      isPublic?: boolean;
    }
  | {
      type: 'setRole';
      conversationId: string;
      actorId: string;
      userId: string;
      role: Role;
      policy: RolePolicy;
    };

export interface GroupChangeInput {
  change: GroupChange;
  /** The member cap (the store refuses a change that would exceed it). */
  maxMembers: number;
  at: Date;
}

export interface GroupChangeResult {
  conversation: Conversation;
  /** The system message recording it; null when nothing changed (e.g. adding members already in). */
  message: Message | null;
  events: StoredEvent[];
}

/** What may be done to a message, by whom (the service decides; the store checks it atomically). */
export type MessageAction =
  | {
      type: 'edit';
      messageId: string;
      actorId: string;
      text: string;
      mentionUsernames: string[];
      notBefore: Date;
    }
  /** Their own since `notBefore`; in a group, anyone's when the actor's role is in `adminRoles`. */
  | { type: 'delete'; messageId: string; actorId: string; notBefore: Date; adminRoles: Role[] }
  | { type: 'hide'; messageId: string; actorId: string }
  | {
      type: 'react';
      messageId: string;
      actorId: string;
      emoji: string;
      on: boolean;
      maxEmoji: number;
    }
  | { type: 'pin'; messageId: string; actorId: string; on: boolean };

export interface MessageActionResult {
  /** The message as it is now (for the actor). */
  message: Message;
  /** False when it changed nothing (a reaction already there, a pin already set). */
  changed: boolean;
  events: StoredEvent[];
  /** Attachments a deletion released: their files may go. */
  releasedAttachmentIds: string[];
}

export interface ForwardInput {
  messageId: string;
  actorId: string;
  conversationIds: string[];
  /** One per target, in `conversationIds` order: a retry returns the same messages. */
  clientMessageIds: string[];
  createdAt: Date;
}

/**
 * How one user keeps one conversation; nobody else sees it. `archived` is not stored: a
 * conversation archived at `archivedAt` shows as archived until a message newer than that
 * arrives, or for as long as it is muted.
 */
export interface ConversationSettings {
  /** No notifications until then (MUTED_FOREVER: until unmuted); null when not muted. */
  mutedUntil: Date | null;
  /** Pinned to the top of the list (most recently pinned first); null when not pinned. */
  pinnedAt: Date | null;
  archivedAt: Date | null;
  /** Marked unread by hand; cleared when the user reads the conversation. */
  markedUnread: boolean;
}

/** A change of a user's settings of a conversation they belong or belonged to. */
export interface SettingsChange {
  userId: string;
  conversationId: string;
  /** The fields to set; the others keep their values. */
  patch: Partial<ConversationSettings>;
  /** Pinning refuses (PinLimitError) when this many other conversations are pinned. */
  maxPinned: number;
  at: Date;
}

export interface SettingsResult {
  settings: ConversationSettings;
  /** False when the patch changed nothing (no event then). */
  changed: boolean;
  /** The `conversation.settings` event to the user's own stream. */
  events: StoredEvent[];
}

/** One match of a message search. */
export interface SearchHit {
  message: Message;
  /** The text around the first match, matching words marked. */
  snippet: SnippetSegment[];
}

/** A piece of a snippet: plain text, or a word that matches the search. */
export interface SnippetSegment {
  text: string;
  match: boolean;
}

/** A browser's Web Push subscription (one per device), tied to the session that made it. */
export interface PushSubscription {
  /** The push service's URL for this device: unique. */
  endpoint: string;
  /** The device's P-256 public key and auth secret (base64url), to encrypt payloads for it. */
  p256dh: string;
  auth: string;
  userId: string;
  sessionId: string;
  createdAt: Date;
}

/** Who sees my online status and last seen. */
export type LastSeenVisibility = 'everyone' | 'contacts' | 'nobody';

/**
 * A user's privacy choices. Symmetric, as WhatsApp does: whoever hides their last seen sees nobody
 * else's, and whoever turns read receipts off sees none in their direct conversations.
 */
export interface PrivacySettings {
  lastSeen: LastSeenVisibility;
  readReceipts: boolean;
  /** Notifications show the text of messages (else "New message"). */
  notificationPreviews: boolean;
}

export interface BlockEntry {
  userId: string;
  blockedAt: Date;
}

/** Of some users, how each relates to one user by blocking. */
export interface BlockRelations {
  /** Those the user blocked. */
  blocked: string[];
  /** Those who blocked the user. */
  blockedBy: string[];
}

export type ReportStatus = 'open' | 'resolved';

export interface NewReport {
  reporterId: string;
  /** The person reported (the sender, for a message). */
  userId: string;
  messageId: string | null;
  reason: 'spam' | 'abuse' | 'impersonation' | 'other';
  details: string;
  /** What the admins see of it: the message and its neighbours, copied when reported. */
  context: Array<Pick<Message, 'id' | 'senderId' | 'text' | 'createdAt'>>;
  createdAt: Date;
}

export interface Report extends NewReport {
  id: string;
  status: ReportStatus;
  resolvedBy: string | null;
  resolution: string | null;
  resolvedAt: Date | null;
}

/** The picture of a link preview, re-encoded and kept by the server. */
export interface LinkPreviewImage {
  /** Where the server serves it (to anyone signed in). */
  url: string;
  width: number;
  height: number;
}

/** What a web page says about itself (Open Graph, Twitter card, `<title>`, meta description). */
export interface LinkPreview {
  /** The page's address after redirects. */
  url: string;
  title: string;
  description: string | null;
  siteName: string | null;
  image: LinkPreviewImage | null;
}

/** Why a page has no preview, as the service explains it (an AppError's code and message). */
export interface LinkPreviewFailure {
  code: string;
  message: string;
}

/** A page's preview or why it has none, kept until `expiresAt`; `url` (as asked for) is the key. */
export interface CachedLinkPreview {
  url: string;
  preview: LinkPreview | null;
  failure: LinkPreviewFailure | null;
  expiresAt: Date;
}
