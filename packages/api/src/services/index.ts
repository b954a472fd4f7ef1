import type { Bus } from '@parley/bus';
import type { BlobStore, Store } from '@parley/db';
import { createAttachmentsService } from './attachments.ts';
import { createAuthService } from './auth.ts';
import { createChatService } from './chat.ts';
import { createConnections } from './connections.ts';
import { createEventStream } from './event-stream.ts';
import { createInflight } from './inflight.ts';
import { createLocalPresenceRegistry, createPresence, type PresenceRegistry } from './presence.ts';
import {
  createRateLimits,
  DEFAULT_RATE_LIMITS,
  type LimiterFactory,
  type RateLimitSettings,
} from './rate-limits.ts';
import { createTokenIssuer, type SigningKey } from './tokens.ts';
import { createTyping } from './typing.ts';
import { createUsersService } from './users.ts';

export interface ServicesOptions {
  store: Store;
  bus: Bus;
  /** Where uploaded images' variants are kept. */
  blobs: BlobStore;
  /** The first key signs; all verify. */
  signingKeys: SigningKey[];
  accessTokenTtlSeconds?: number;
  refreshTokenTtlDays?: number;
  rateLimits?: Partial<RateLimitSettings>;
  limiterFactory?: LimiterFactory;
  presenceRegistry?: PresenceRegistry;
  /** The clock; tests move it to expire tokens. */
  now?: () => Date;
  /** Where errors of fire-and-forget work go (the server logs them). */
  onError?: (error: unknown) => void;
}

/** Wires the domain services together. Knows nothing of tRPC or Fastify. */
export async function createServices(opts: ServicesOptions) {
  const now = opts.now ?? (() => new Date());
  const onError = opts.onError ?? ((error: unknown) => console.error(error));
  const { store, bus } = opts;
  const limits = createRateLimits(
    { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits },
    opts.limiterFactory,
  );
  const presence = createPresence({
    store,
    bus,
    registry: opts.presenceRegistry ?? createLocalPresenceRegistry(),
    now,
  });
  const connections = createConnections({ bus, presence, now, store, onError });
  await connections.start();
  const tokens = createTokenIssuer({
    keys: opts.signingKeys,
    ttlSeconds: opts.accessTokenTtlSeconds ?? 15 * 60,
    now,
  });
  const auth = createAuthService({
    store,
    tokens,
    limits,
    connections,
    refreshTtlMs: (opts.refreshTokenTtlDays ?? 30) * 24 * 3600 * 1000,
    now,
  });
  const attachments = createAttachmentsService({ store, blobs: opts.blobs, limits, now, onError });
  const users = createUsersService({ store, presence, attachments });
  const typing = createTyping({ bus, onError });
  const chat = createChatService({ store, bus, limits, users, typing, attachments, now, onError });
  const events = createEventStream({ store, bus, presence });
  const inflight = createInflight();
  return {
    store,
    bus,
    auth,
    users,
    chat,
    attachments,
    events,
    connections,
    typing,
    inflight,
    onError,
    now,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
