import { z } from 'zod';

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
  .max(64, 'Display name must be at most 64 characters.');

export const bio = z.string().trim().max(280, 'Bio must be at most 280 characters.');

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

export const messageText = z.string().trim().max(4000, 'A message can be at most 4000 characters.');

export const sendInput = z
  .object({
    to: id,
    text: messageText.optional(),
    /** Ids of my uploads (POST /api/uploads) not sent yet. */
    attachmentIds: z
      .array(id)
      .max(4, 'At most 4 attachments per message.')
      .refine((ids) => new Set(ids).size === ids.length, 'The same attachment is listed twice.')
      .optional(),
    clientMessageId: z
      .string()
      .min(8, 'clientMessageId must be 8 to 64 characters.')
      .max(64, 'clientMessageId must be 8 to 64 characters.')
      .regex(/^[A-Za-z0-9_-]+$/, 'clientMessageId may only contain letters, digits, "_" and "-".'),
  })
  .refine((m) => (m.text?.length ?? 0) > 0 || (m.attachmentIds?.length ?? 0) > 0, {
    message: 'A message needs text or an attachment.',
    path: ['text'],
  });

export const historyInput = z.object({
  withUserId: id,
  before: id.nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const receiptInput = z.object({ withUserId: id, upTo: id });

export const typingInput = z.object({ to: id, isTyping: z.boolean() });

export const eventsInput = z
  .object({
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, 'lastEventId must be a number.')
      .nullish(),
  })
  .optional();
