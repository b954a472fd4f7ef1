export { appRouter, type AppRouter } from './root.ts';
export type {
  ClientRouter,
  OpaqueServerContext,
  ParleyErrorData,
  ParleyErrorShape,
} from './client-router.ts';
export { authenticate, type Context, type CookieJar } from './context.ts';
export {
  ACCESS_COOKIE,
  CLOSE_CODES,
  CSRF_HEADER,
  LIMIT_CLOSE_CODES,
  MAX_BATCH_SIZE,
  REFRESH_COOKIE,
  RESTARTING_MESSAGE,
  SSE_PING_INTERVAL_MS,
  SSE_RECONNECT_AFTER_INACTIVITY_MS,
  FILE_UPLOAD_DEFAULTS,
  UPLOAD_FIELD,
  UPLOAD_KINDS,
  UPLOAD_LIMITS,
  UPLOADS_PATH,
  type UploadKind,
} from './protocol.ts';
export { createServices, type Services, type ServicesOptions } from './services/index.ts';
export type { LiveSocket } from './services/connections.ts';
export { CONNECTION_LIMITS } from './limits.ts';
export type { PresenceRegistry } from './services/presence.ts';
export type { LimiterFactory, RateLimitSettings } from './services/rate-limits.ts';
export { redisLimiterFactory } from './services/redis-rate-limits.ts';
export { createTokenIssuer, type SigningKey } from './services/tokens.ts';
export { hashPassword } from './services/passwords.ts';
export type { PublicUser } from './services/users.ts';
export { IMAGE_LIMITS } from './services/images.ts';
export { parseAllowList, type AddressAllowList } from './services/link-addresses.ts';
export {
  LINK_IMAGES_PATH,
  LINK_PREVIEW_LIMITS,
  type LinkPreviewOptions,
} from './services/link-previews.ts';
export {
  DEFAULT_FILE_LIMITS,
  megabytes,
  UNUSED_UPLOAD_TTL_MS,
  type AttachmentFile,
  type FileLimits,
  type UploadedAttachment,
} from './services/attachments.ts';
export { downloadDisposition, downloadType } from './services/file-types.ts';
export type { ChatEvent, ChatEventItem, EphemeralEvent } from './events.ts';
export type {
  ConversationSettings,
  LinkPreview,
  SnippetSegment,
  Message,
  MessageAttachment,
  ReceiptMark,
  ReceiptMarks,
  Role,
  SystemEvent,
  User,
} from '@parley/db';
export type { ConversationView } from './services/conversation-views.ts';
export type { HistoryPage, MessageInfo } from './services/chat.ts';
export type { MemberView } from './services/groups.ts';
export type { SendInput } from './schemas.ts';
export { othersReached } from './protocol.ts';
export { isArchived, isMuted, MUTED_FOREVER, MUTE_DURATIONS_MS } from './organise.ts';
export { MAX_PINNED } from './services/organise.ts';
export type { SearchPage, SearchResult } from './services/search.ts';
export type { PushPayload, PushStats, VapidKeys } from './services/push.ts';
export { generateVapidKeys } from './vapid.ts';
export * as schemas from './schemas.ts';
export { wsEncoder } from './wire.ts';
export { cleanText, isSafeText, isSafeTitle, safeText, safeTitle } from './text.ts';
export { AppError } from './errors.ts';
export { toTRPCError } from './trpc.ts';
