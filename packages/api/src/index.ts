export { appRouter, type AppRouter } from './root.ts';
export {
  authenticate,
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  CSRF_HEADER,
  type Context,
  type CookieJar,
} from './context.ts';
export { createServices, type Services, type ServicesOptions } from './services/index.ts';
export { CLOSE_CODES, type LiveSocket } from './services/connections.ts';
export { CONNECTION_LIMITS, LIMIT_CLOSE_CODES } from './limits.ts';
export type { PresenceRegistry } from './services/presence.ts';
export type { LimiterFactory, RateLimitSettings } from './services/rate-limits.ts';
export { redisLimiterFactory } from './services/redis-rate-limits.ts';
export { createTokenIssuer, type SigningKey } from './services/tokens.ts';
export { hashPassword } from './services/passwords.ts';
export type { PublicUser } from './services/users.ts';
export { IMAGE_LIMITS } from './services/images.ts';
export {
  UNUSED_UPLOAD_TTL_MS,
  type AttachmentFile,
  type UploadedAttachment,
} from './services/attachments.ts';
export type { ChatEvent, EphemeralEvent } from './events.ts';
export type { Message, MessageAttachment, User, MemberState } from '@parley/db';
export * as schemas from './schemas.ts';
export { toTRPCError, AppError } from './errors.ts';
