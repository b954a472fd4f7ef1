import type { Bus } from '@parley/bus';
import type { LiveMessage } from '../events.ts';
import type { BlobStore, Store } from '@parley/db';
import { createAttachmentsService, type FileLimits } from './attachments.ts';
import { createAuthService } from './auth.ts';
import { createChatService } from './chat.ts';
import { createConnections } from './connections.ts';
import { createEventHub } from './event-hub.ts';
import { createEventStream } from './event-stream.ts';
import { createGroupsService } from './groups.ts';
import { createMessageActions } from './message-actions.ts';
import { createNotificationsService } from './notifications.ts';
import { createOrganiseService } from './organise.ts';
import { createPushNotifier, type PushNotifier, type VapidKeys } from './push.ts';
import { createSearchService } from './search.ts';
import { createSafetyService } from './safety.ts';
import { createInflight } from './inflight.ts';
import { parseAllowList } from './link-addresses.ts';
import { createLinkPreviewsService, type LinkPreviewOptions } from './link-previews.ts';
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
  /** The member cap of every group (GROUP_MAX_MEMBERS, default 256). */
  groupMaxMembers?: number;
  /** How large files and how long voice notes may be (default: 25 MB, 5 minutes). */
  fileLimits?: FileLimits;
  /** How long after sending a message its sender may edit or delete it (default 48 h). */
  editWindowMs?: number;
  /** Web Push: the server's VAPID keys; http and local endpoints only when `allowInsecureEndpoints` (tests). */
  push: { vapid: VapidKeys; allowInsecureEndpoints?: boolean };
  /** Usernames with the admin role: they see and resolve reports (ADMIN_USERNAMES). */
  adminUsernames?: string[];
  /** Link previews: on, public addresses only, 5 s per preview unless given (LINK_PREVIEW_*). */
  linkPreviews?: LinkPreviewOptions;
}

/**
 * Presence and profile changes go to the people a user shares conversations of at most this
 * many members with; in larger groups presence is read on demand (the member list).
 */
export const PRESENCE_FANOUT_MAX_MEMBERS = 256;

/** Wires the domain services together. Knows nothing of tRPC or Fastify. */
export async function createServices(opts: ServicesOptions) {
  const now = opts.now ?? (() => new Date());
  const onError = opts.onError ?? ((error: unknown) => console.error(error));
  const { store, bus } = opts;
  const limits = createRateLimits(
    { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits },
    opts.limiterFactory,
  );
  // Set below, once presence and users exist; nothing is published before then.
  let notifier: PushNotifier | null = null;
  const hub = createEventHub({
    store,
    bus,
    onError,
    onPublish: (events) => notifier?.enqueue(events),
  });
  await hub.start();
  /**
   * An ephemeral event of `userId`, once, to their (small enough) conversations, never to whom
   * they blocked; a profile change to their own other sessions too. Presence follows their last-seen choice: everyone, contacts (conversations of
   * two) or nobody.
   */
  const announce = async (userId: string, data: LiveMessage['data']) => {
    const [[settings], blocked] = await Promise.all([
      store.getSettings([userId]),
      store.listBlocked(userId),
    ]);
    const presenceChange = data.type === 'presence';
    if (presenceChange && settings!.lastSeen === 'nobody') return;
    const reach =
      presenceChange && settings!.lastSeen === 'contacts' ? 2 : PRESENCE_FANOUT_MAX_MEMBERS;
    const [conversationIds, direct] = await Promise.all([
      store.listConversationIds(userId, reach),
      presenceChange ? store.listConversationIds(userId, 2) : Promise.resolve(undefined),
    ]);
    const toSelf = data.type === 'user.updated';
    if (conversationIds.length === 0 && !toSelf) return;
    hub.publishLive({
      from: userId,
      conversationIds,
      data,
      ...(toSelf ? { toSelf } : {}),
      ...(blocked.length > 0 ? { except: blocked.map((b) => b.userId) } : {}),
      ...(direct ? { direct } : {}),
    });
  };
  const presence = createPresence({
    store,
    registry: opts.presenceRegistry ?? createLocalPresenceRegistry(),
    now,
    announce,
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
  const attachments = createAttachmentsService({
    store,
    blobs: opts.blobs,
    limits,
    ...(opts.fileLimits ? { fileLimits: opts.fileLimits } : {}),
    now,
    onError,
  });
  const users = createUsersService({
    store,
    presence,
    attachments,
    announce: (userId, profile) => announce(userId, { type: 'user.updated', user: profile }),
  });
  const typing = createTyping({
    announce: (from, conversationId, isTyping, except) =>
      hub.publishLive({
        from,
        conversationIds: [conversationId],
        data: { type: 'typing', conversationId, userId: from, isTyping },
        ...(except.length > 0 ? { except } : {}),
      }),
  });
  const chat = createChatService({ store, hub, limits, users, typing, attachments, now });
  const actions = createMessageActions({
    store,
    hub,
    limits,
    attachments,
    editWindowMs: opts.editWindowMs ?? 48 * 3600_000,
    now,
  });
  const safety = createSafetyService({
    store,
    hub,
    users,
    limits,
    adminUsernames: new Set((opts.adminUsernames ?? []).map((u) => u.toLowerCase())),
    now,
  });
  const groups = createGroupsService({
    store,
    hub,
    limits,
    users,
    presence,
    attachments,
    maxMembers: opts.groupMaxMembers ?? 256,
    now,
  });
  notifier = createPushNotifier({ store, presence, users, vapid: opts.push.vapid, now, onError });
  const search = createSearchService({ store, limits, users });
  const organise = createOrganiseService({ store, hub, limits, users, now });
  const notifications = createNotificationsService({
    store,
    limits,
    publicKey: opts.push.vapid.publicKey,
    allowInsecureEndpoints: opts.push.allowInsecureEndpoints ?? false,
    now,
  });
  const events = createEventStream({
    store,
    hub,
    onlineFor: users.onlineFor,
    presencePeersMax: PRESENCE_FANOUT_MAX_MEMBERS,
  });
  const linkPreviews = createLinkPreviewsService({
    store,
    blobs: opts.blobs,
    limits,
    attachments,
    options: opts.linkPreviews ?? { enabled: true, allow: parseAllowList(''), timeoutMs: 5000 },
    now,
  });
  const inflight = createInflight();
  return {
    store,
    bus,
    auth,
    users,
    chat,
    actions,
    safety,
    groups,
    search,
    organise,
    notifications,
    push: notifier,
    hub,
    attachments,
    linkPreviews,
    events,
    connections,
    typing,
    inflight,
    onError,
    now,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
