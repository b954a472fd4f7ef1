import { z } from 'zod';
import { UPLOAD_LIMITS } from './protocol.ts';
import { safeText, safeTitle } from './text.ts';

/** Input schemas of the public router; the web client reuses them for field checks. */
export const username = z
  .string()
  .trim()
  .min(3, 'Username must be at least 3 characters.')
  .max(32, 'Username must be at most 32 characters.')
  .regex(/^[a-zA-Z0-9_.]+$/, 'Username may only contain letters, digits, "_" and ".".')
  .transform((s) => s.toLowerCase());

export const email = z
  .email('Enter a valid email address.')
  .max(254, 'Email must be at most 254 characters.')
  .transform((s) => s.toLowerCase());

export const password = z
  .string()
  .min(10, 'Password must be at least 10 characters.')
  .max(256, 'Password must be at most 256 characters.');

export const displayName = z
  .string()
  .trim()
  .min(1, 'Display name cannot be empty.')
  .max(64, 'Display name must be at most 64 characters.')
  .apply(safeTitle('Display name'));

export const bio = z
  .string()
  .apply(safeText('Bio'))
  .trim()
  .max(280, 'Bio must be at most 280 characters.');

export const id = z.string().min(1).max(64, 'Not a valid id.');

export const cursor = z.string().max(512).nullish();

export const signupInput = z.object({
  username,
  email,
  password,
  displayName: displayName.optional(),
});

export const loginInput = z.object({
  login: z.string().trim().min(1, 'Enter your username or email.').max(254),
  password: z.string().min(1, 'Enter your password.').max(256),
});

export const refreshInput = z
  .object({ refreshToken: z.string().min(1).max(128).optional() })
  .optional();

export const pageInput = z
  .object({ limit: z.number().int().min(1).max(100).default(50), cursor })
  .default({ limit: 50 });

export const searchInput = z.object({
  q: z.string().trim().min(1, 'Type at least one character.').max(64),
  limit: z.number().int().min(1).max(50).default(20),
});

export const profileInput = z
  .object({
    displayName: displayName.optional(),
    bio: bio.optional(),
    /** The id of one of my uploads (POST /api/uploads), or null to remove the picture. */
    avatarId: id.nullable().optional(),
  })
  .refine(
    (p) => p.displayName !== undefined || p.bio !== undefined || p.avatarId !== undefined,
    'Nothing to update.',
  );

export const messageText = z
  .string()
  .apply(safeText('A message'))
  .trim()
  .max(4000, 'A message can be at most 4000 characters.');

const clientMessageId = z
  .string()
  .min(8, 'clientMessageId must be 8 to 64 characters.')
  .max(64, 'clientMessageId must be 8 to 64 characters.')
  .regex(/^[A-Za-z0-9_-]+$/, 'clientMessageId may only contain letters, digits, "_" and "-".');

const attachmentIds = z
  .array(id)
  .max(UPLOAD_LIMITS.perMessage, `At most ${UPLOAD_LIMITS.perMessage} attachments per message.`)
  .refine((ids) => new Set(ids).size === ids.length, 'The same attachment is listed twice.');

interface SendFields {
  /** At most 4000 characters (trimmed); a message needs text or at least one attachment. */
  text?: string | undefined;
  /** A message of the same conversation this one answers. */
  replyTo?: string | undefined;
  /** Ids of my uploads (POST /api/uploads) not sent yet. */
  attachmentIds?: string[] | undefined;
  /** 8–64 of `[A-Za-z0-9_-]`, unique per message: a retry with the same one returns the original. */
  clientMessageId: string;
}

/** A message goes to a conversation I am in, or to a user (opening our direct conversation). */
export type SendInput = SendFields &
  (
    | {
        /** A conversation I am a member of (direct or group). Give this or `to`, not both. */
        conversationId: string;
        to?: never;
      }
    | {
        /** A user's id: the message goes to our direct conversation, opened if need be. */
        to: string;
        conversationId?: never;
      }
  );

const sendFields = z
  .object({
    conversationId: id.optional(),
    to: id.optional(),
    text: messageText.optional(),
    attachmentIds: attachmentIds.optional(),
    replyTo: id.optional(),
    clientMessageId,
  })
  .superRefine((m, ctx) => {
    if ((m.conversationId === undefined) === (m.to === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['conversationId'],
        message: 'Say where the message goes: a conversationId, or a user id as "to" (not both).',
      });
    }
    if ((m.text?.length ?? 0) === 0 && (m.attachmentIds?.length ?? 0) === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['text'],
        message: 'A message needs text or an attachment.',
      });
    }
  });

/**
 * `chat.send`'s input. The check above accepts exactly `SendInput`; typed as such, a client that
 * names both or neither of `conversationId` and `to` does not compile.
 */
export const sendInput = sendFields as unknown as z.ZodType<SendInput, SendInput>;

export const conversationInput = z.object({ conversationId: id });

export const editInput = z.object({
  messageId: id,
  text: messageText.min(1, 'A message cannot be edited to nothing: delete it instead.'),
});

export const deleteInput = z.object({
  messageId: id,
  /** true: a tombstone for everyone (my message, in time; or any, as a group's admin); false: hidden for me. */
  forEveryone: z.boolean(),
});

/** One emoji (as Unicode defines them: with skin tones, flags and sequences), nothing else. */
const EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

export const reactInput = z.object({
  messageId: id,
  emoji: z.string().max(32).regex(EMOJI, 'A reaction is one emoji.'),
  /** true adds my reaction, false takes it back. */
  on: z.boolean(),
});

export const pinInput = z.object({ messageId: id, pinned: z.boolean() });

export const forwardInput = z.object({
  messageId: id,
  conversationIds: z
    .array(id)
    .min(1, 'Choose at least one conversation.')
    .max(5, 'Forward to at most 5 conversations at once.')
    .refine((ids) => new Set(ids).size === ids.length, 'The same conversation is listed twice.'),
  /** 8–60 of `[A-Za-z0-9_-]`: a retry with the same one returns the same messages. */
  clientMessageId: z
    .string()
    .min(8, 'clientMessageId must be 8 to 60 characters.')
    .max(60, 'clientMessageId must be 8 to 60 characters.')
    .regex(/^[A-Za-z0-9_-]+$/, 'clientMessageId may only contain letters, digits, "_" and "-".'),
});

export const historyInput = z.object({
  conversationId: id,
  /** From a previous page's `olderCursor` or `newerCursor`. */
  cursor,
  /**
   * A message id: the page around it (it included), to jump to a message. `'unread'`: the page
   * around my first unread message, to open a conversation where I left it (the latest page when
   * everything is read).
   */
  around: z.union([z.literal('unread'), id]).nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const receiptInput = z.object({ conversationId: id, upTo: id });

export const typingInput = z.object({ conversationId: id, isTyping: z.boolean() });

export const messageInput = z.object({ messageId: id });

export const usersInput = z.object({
  ids: z.array(id).min(1, 'Ask for at least one user.').max(100, 'At most 100 users at once.'),
});

export const groupTitle = z
  .string()
  .trim()
  .min(1, 'A group needs a title.')
  .max(80, 'A group title can be at most 80 characters.')
  .apply(safeTitle('Group title'));

const memberIds = z
  .array(id)
  .max(256, 'Add at most 256 people at once.')
  .refine((ids) => new Set(ids).size === ids.length, 'The same person is listed twice.');

export const createGroupInput = z.object({
  title: groupTitle,
  /** The people to add besides me. */
  memberIds,
  /** One of my uploads (POST /api/uploads) as the group's picture. */
  avatarId: id.nullish(),
  /** Public groups can be found with groups.browse and joined by anyone signed in. */
  isPublic: z.boolean().default(false),
});

export const updateGroupInput = z
  .object({
    conversationId: id,
    title: groupTitle.optional(),
    /** One of my uploads as the new picture, or null to remove it. */
    avatarId: id.nullable().optional(),
    isPublic: z.boolean().optional(),
  })
  .refine(
    (g) => g.title !== undefined || g.avatarId !== undefined || g.isPublic !== undefined,
    'Nothing to update.',
  );

export const addMembersInput = z.object({
  conversationId: id,
  userIds: memberIds.min(1, 'Name at least one person to add.'),
});

export const memberInput = z.object({ conversationId: id, userId: id });

export const setRoleInput = z.object({
  conversationId: id,
  userId: id,
  /** `owner` hands the group over: I become an admin. */
  role: z.enum(['owner', 'admin', 'member']),
});

export const membersInput = z.object({
  conversationId: id,
  cursor,
  limit: z.number().int().min(1).max(200).default(100),
});

export const browseInput = z
  .object({
    q: z.string().trim().max(80).optional(),
    cursor,
    limit: z.number().int().min(1).max(50).default(20),
  })
  .default({ limit: 20 });

export const eventsInput = z
  .object({
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, 'lastEventId must be a number.')
      .nullish(),
  })
  .optional();

export const messageSearchInput = z.object({
  /** Words to find (case and accents do not matter); the last one matches as a prefix while typed. */
  q: z
    .string()
    .max(200, 'A search can be at most 200 characters.')
    .refine((q) => q.trim().length > 0, 'Type something to search for.'),
  /** Only this conversation (one I am or was in); all of mine when absent. */
  conversationId: id.nullish(),
  cursor,
  limit: z.number().int().min(1).max(50).default(20),
});

export const organiseInput = z
  .object({
    conversationId: id,
    /** Silence notifications for 8 hours, a week or until unmuted; null unmutes. */
    mute: z.enum(['8h', '1w', 'always']).nullable().optional(),
    pinned: z.boolean().optional(),
    /** Archived conversations stay out of sight until a new message arrives (unless muted). */
    archived: z.boolean().optional(),
    /** true marks it unread; reading it clears the mark. */
    unread: z.boolean().optional(),
  })
  .refine(
    (o) =>
      o.mute !== undefined ||
      o.pinned !== undefined ||
      o.archived !== undefined ||
      o.unread !== undefined,
    'Nothing to change: say mute, pinned, archived or unread.',
  );

const base64url = (what: string, min: number, max: number) =>
  z
    .string()
    .min(min, `${what} is not valid.`)
    .max(max, `${what} is not valid.`)
    .regex(/^[A-Za-z0-9_-]+=*$/, `${what} must be base64url.`);

/** A browser's PushSubscription, as `subscription.toJSON()` gives it. */
export const pushSubscribeInput = z.object({
  endpoint: z.url('The endpoint must be a URL.').max(2048, 'The endpoint is too long.'),
  keys: z.object({
    /** The device's P-256 public key (65 bytes, base64url). */
    p256dh: base64url('keys.p256dh', 80, 100),
    /** Its authentication secret (16 bytes, base64url). */
    auth: base64url('keys.auth', 16, 32),
  }),
  expirationTime: z.number().nullish(),
});

export const pushEndpointInput = z.object({
  endpoint: z.url('The endpoint must be a URL.').max(2048, 'The endpoint is too long.'),
});

export const userInput = z.object({ userId: id });

export const settingsInput = z
  .object({
    /** Who sees my online status and last seen; I then see theirs only as far as I show mine. */
    lastSeen: z.enum(['everyone', 'contacts', 'nobody']).optional(),
    /** Read receipts in my direct conversations, both ways. */
    readReceipts: z.boolean().optional(),
    /** Notifications show the text of messages. */
    notificationPreviews: z.boolean().optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), 'Nothing to update.');

export const reportInput = z
  .object({
    /** A person, or (with messageId) the sender of a message I may read. */
    userId: id.optional(),
    messageId: id.optional(),
    reason: z.enum(['spam', 'abuse', 'impersonation', 'other']),
    details: z
      .string()
      .apply(safeText('Details'))
      .trim()
      .max(1000, 'Say it in at most 1000 characters.')
      .default(''),
  })
  .refine((r) => r.userId !== undefined || r.messageId !== undefined, {
    message: 'Report a message or a person.',
    path: ['messageId'],
  });

export const reportsInput = z.object({
  status: z.enum(['open', 'resolved']).default('open'),
  cursor,
  limit: z.number().int().min(1).max(100).default(50),
});

export const resolveReportInput = z.object({
  reportId: id,
  resolution: z
    .string()
    .apply(safeText('A resolution'))
    .trim()
    .min(1, 'Say what was done.')
    .max(1000),
});

export const linkPreviewInput = z.object({
  url: z.string().trim().min(1, 'Give a link.').max(2048, 'The link is too long.'),
});
