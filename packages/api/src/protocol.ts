/**
 * What a client needs to speak to Parley beyond the router's types: header and cookie names, close
 * codes, request limits, which events are durable. Import it as `@parley/api/protocol`: it imports
 * nothing at run time, so a browser bundle that uses it carries none of the server.
 */
import type { ImageMime, ReceiptMark, VoiceMime } from '@parley/db';
import type { ChatEvent, EphemeralEvent } from './events.ts';

/** Browser clients send this header on every request; a cross-site form cannot. */
export const CSRF_HEADER = 'x-parley-csrf';
/** The httpOnly cookies that carry a browser's tokens. */
export const ACCESS_COOKIE = 'parley_at';
export const REFRESH_COOKIE = 'parley_rt';

/** WebSocket close codes Parley uses; clients refresh their token on 4001 and sign in again on 4003. */
export const CLOSE_CODES = {
  tokenExpired: 4001,
  sessionRevoked: 4003,
  serverRestart: 1012,
} as const;

/**
 * Close codes of sockets ended by a limit, alongside CLOSE_CODES. A client reconnects after
 * 1009 and 4008 (resuming by lastEventId) and backs off before retrying after 4029.
 */
export const LIMIT_CLOSE_CODES = {
  /** Standard code: a frame larger than the server accepts. */
  messageTooBig: 1009,
  /** The client did not read its socket fast enough; reconnect and resume by lastEventId. */
  slowConsumer: 4008,
  /** Too many sockets for this account or address (or too many at once): back off, then retry. */
  tooManyConnections: 4029,
} as const;

/**
 * Subscriptions over HTTP (Server-Sent Events, tRPC's `httpSubscriptionLink`): the server sends a
 * `ping` event this often, so proxies and idle timeouts keep the stream open...
 */
export const SSE_PING_INTERVAL_MS = 10_000;
/** ...and tells the client (in its `connected` event) to reconnect after hearing nothing for this long. */
export const SSE_RECONNECT_AFTER_INACTIVITY_MS = 30_000;

/** Calls in one HTTP batch request; more are refused with BAD_REQUEST (set httpBatchLink's `maxItems`). */
export const MAX_BATCH_SIZE = 10;

/** What the answer to a call refused during a shutdown says (HTTP 503, SERVICE_UNAVAILABLE, close 1012). */
export const RESTARTING_MESSAGE = 'The server is restarting. Try again in a moment.';

/** Image uploads: `POST UPLOADS_PATH`, multipart with one file in the field `UPLOAD_FIELD`. */
export const UPLOADS_PATH = '/api/uploads';
export const UPLOAD_FIELD = 'file';
export const UPLOAD_LIMITS = {
  /** Bytes of one upload. */
  maxBytes: 10 * 1024 * 1024,
  /** The types accepted (the server decides by the file's bytes, not by what the client says). */
  types: [
    'image/jpeg',
    'image/png',
    'image/webp',
    'image/gif',
  ] as const satisfies readonly ImageMime[],
  /** Attachments of one message. */
  perMessage: 4,
} as const;

/**
 * What an upload is, as `?kind=` of `POST UPLOADS_PATH` (an image when absent): an image
 * (re-encoded, shown inline), any file (kept as is, only ever downloaded) or a voice note (Opus
 * in WebM or Ogg, played inline).
 */
export const UPLOAD_KINDS = ['image', 'file', 'voice'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** The defaults of files and voice notes (a server may set others: FILE_MAX_BYTES, VOICE_MAX_SECONDS). */
export const FILE_UPLOAD_DEFAULTS = {
  /** Bytes of one file or voice note. */
  maxBytes: 25 * 1024 * 1024,
  /** Seconds of one voice note. */
  voiceMaxSeconds: 300,
  /** The containers of voice notes (Opus audio in each). */
  voiceTypes: ['audio/webm', 'audio/ogg'] as const satisfies readonly VoiceMime[],
} as const;

export { attachmentSummary, formatDuration } from './attachment-summary.ts';
export * from './markdown/markdown.ts';
export { safeHref } from './markdown/links.ts';

/** Every ephemeral event type, once: a new one that is not listed here fails to compile. */
const EPHEMERAL: Record<EphemeralEvent['type'], true> = {
  typing: true,
  presence: true,
  'presence.snapshot': true,
  'user.updated': true,
  ready: true,
};

/** The `chat.events` items that are not stored: they carry the id of the durable event before them. */
export const EPHEMERAL_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(EPHEMERAL));

/**
 * Whether a `chat.events` item repeats what a client already delivered, given the id of the last
 * item it delivered (null before the first): a durable event at or below that id, or anything
 * below it. A client that drops these delivers each durable event once, in order, even when a
 * reconnecting socket and its replacement both carry some of them. Ids are decimal integers.
 */
export function isRepeatedEvent(
  item: { id: string; data: { type: ChatEvent['type'] } },
  lastDeliveredId: string | null,
): boolean {
  if (lastDeliveredId === null) return false;
  const id = Number(item.id);
  const last = Number(lastDeliveredId);
  return id < last || (id === last && !EPHEMERAL_EVENT_TYPES.has(item.data.type));
}

/**
 * How far everyone but `me` has got, from one of a conversation's marks (`receipts.delivered`
 * or `receipts.read`): my message at seq `s` is delivered (or read) by all when this is >= s.
 */
export function othersReached(mark: ReceiptMark, me: string): number {
  return mark.lowestUserId === me ? (mark.nextLowest ?? Number.MAX_SAFE_INTEGER) : mark.lowest;
}

/** How a conversation's settings read now (muted, archived): the list recomputes them from events. */
export { isArchived, isMuted, MUTED_FOREVER } from './organise.ts';
