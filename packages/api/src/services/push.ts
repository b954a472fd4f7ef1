import { createHash } from 'node:crypto';
import type { Conversation, Message, PushSubscription, Store, StoredEvent } from '@parley/db';
import { attachmentSummary } from '../attachment-summary.ts';
import { plainText } from '../markdown/markdown.ts';
import type { Presence } from './presence.ts';
import { createPushSender } from './push-sender.ts';
import type { UsersService } from './users.ts';

/** The server's VAPID identity (RFC 8292): keys as base64url, and a mailto: or https: contact. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** What a push carries (encrypted per RFC 8291): enough for a service worker to notify and open. */
export interface PushPayload {
  type: 'message';
  conversationId: string;
  messageId: string;
  /** The sender (direct) or the group's title; "Parley" when previews are off. */
  title: string;
  /** The text (a group's with the sender's name first); "New message" when previews are off. */
  body: string;
  /** Whether the message mentions the recipient (false when previews are off). */
  mention: boolean;
  sentAt: string;
}

/**
 * In conversations larger than this, only mentioned members are pushed to: a channel's every
 * message to every member's devices would be noise (and the push services' rate limits).
 */
export const PUSH_FANOUT_MAX_MEMBERS = 256;
/** Messages waiting to be pushed, at most; more are dropped (and counted). */
export const PUSH_QUEUE_MAX = 1000;
/** Messages worked on at once. */
const CONCURRENCY = 4;
/** A push service that has not answered by then is given up on. */
const TIMEOUT_MS = 10_000;
/** How long a push service keeps a message for an offline device. */
const TTL_SECONDS = 24 * 3600;
const PREVIEW_LENGTH = 140;

export interface PushStats {
  queued: number;
  /** Replaced by a newer message of the same sender in the same conversation before being pushed. */
  coalesced: number;
  /** Left out because the queue was full. */
  dropped: number;
  /** Pushes the push services accepted. */
  sent: number;
  /** Pushes refused for another reason than an expired subscription, or not answered. */
  failed: number;
  /** Subscriptions removed because their push service said they are gone (404, 410). */
  removed: number;
}

/** What a push shows of a message: its text without markup, or what it carries. */
function preview(message: Message): string {
  const text = plainText(message.text);
  if (text.length > 0)
    return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
  return attachmentSummary(message.attachments);
}

/**
 * Web Push for new messages, off the send's path: `enqueue` (called with every batch of
 * committed events) only notes the messages in a bounded queue, coalescing those of one sender
 * in one conversation and dropping what does not fit; the queue is worked in the background.
 * A member is pushed to only when none of their sockets is live on any process, they did not
 * mute the conversation and the message was not withheld from them (they blocked its sender), on each device of theirs (sessions still going), with a preview unless
 * they turned previews off. A subscription its push service says is gone is removed.
 */
export function createPushNotifier(deps: {
  store: Store;
  presence: Pick<Presence, 'onlineAmong'>;
  users: Pick<UsersService, 'get'>;
  vapid: VapidKeys;
  now: () => Date;
  onError: (error: unknown) => void;
  maxQueued?: number;
}) {
  const { store, presence, users, vapid, now, onError } = deps;
  const maxQueued = deps.maxQueued ?? PUSH_QUEUE_MAX;
  /** A message to push, and the members it was withheld from (they blocked its sender). */
  const queue = new Map<string, { message: Message; except: string[] }>();
  const stats: Omit<PushStats, 'queued'> = {
    coalesced: 0,
    dropped: 0,
    sent: 0,
    failed: 0,
    removed: 0,
  };
  const sender = createPushSender({ vapid, ttlSeconds: TTL_SECONDS, timeoutMs: TIMEOUT_MS });
  let active = 0;
  let scheduled = false;
  let stopped = false;
  const idle = new Set<() => void>();

  /**
   * The devices to push to: those of the members (in large groups, of those mentioned) but the
   * sender who did not mute the conversation and have no live socket on any process.
   */
  async function targets(message: Message, conversation: Conversation, except: string[]) {
    const large = conversation.memberCount > PUSH_FANOUT_MAX_MEMBERS;
    if (large && message.mentions.length === 0) return [];
    const subscriptions = await store.listPushTargets({
      conversationId: conversation.id,
      exceptUserId: message.senderId,
      userIds: large ? message.mentions : null,
      at: now(),
    });
    if (subscriptions.length === 0) return [];
    const told = subscriptions.filter((s) => !except.includes(s.userId));
    const online = await presence.onlineAmong([...new Set(told.map((s) => s.userId))]);
    return told.filter((s) => !online.has(s.userId));
  }

  async function payloads(
    message: Message,
    conversation: Conversation,
    subscriptions: PushSubscription[],
  ): Promise<Map<string, string>> {
    const userIds = [...new Set(subscriptions.map((s) => s.userId))];
    const [settings, [sender]] = await Promise.all([
      store.getSettings(userIds),
      users.get(message.senderId, [message.senderId]),
    ]);
    const hidden = new Set(userIds.filter((_, i) => settings[i]?.notificationPreviews === false));
    const senderName = sender?.displayName ?? 'Someone';
    const group = conversation.kind === 'group';
    const base = {
      type: 'message' as const,
      conversationId: message.conversationId,
      messageId: message.id,
      sentAt: message.createdAt.toISOString(),
    };
    return new Map(
      userIds.map((userId) => {
        const payload: PushPayload = hidden.has(userId)
          ? { ...base, title: 'Parley', body: 'New message', mention: false }
          : {
              ...base,
              title: group ? (conversation.title ?? 'Group') : senderName,
              body: group ? `${senderName}: ${preview(message)}` : preview(message),
              mention: message.mentions.includes(userId),
            };
        return [userId, JSON.stringify(payload)];
      }),
    );
  }

  async function push(subscription: PushSubscription, payload: string, topic: string) {
    const status = await sender.send({
      endpoint: subscription.endpoint,
      p256dh: subscription.p256dh,
      auth: subscription.auth,
      payload,
      topic,
    });
    if (status === 404 || status === 410) {
      await store.deletePushSubscription(subscription.endpoint);
      stats.removed += 1;
    } else if (status !== null && status >= 200 && status < 300) stats.sent += 1;
    else stats.failed += 1;
  }

  async function work({ message, except }: { message: Message; except: string[] }) {
    const conversation = await store.getConversation(message.conversationId);
    if (!conversation) return;
    const subscriptions = await targets(message, conversation, except);
    if (subscriptions.length === 0) return;
    const bodies = await payloads(message, conversation, subscriptions);
    // One topic per conversation: a push service replaces an undelivered push with the next.
    const topic = createHash('sha256').update(conversation.id).digest('base64url').slice(0, 32);
    await Promise.all(subscriptions.map((s) => push(s, bodies.get(s.userId)!, topic)));
  }

  function pump(): void {
    scheduled = false;
    while (!stopped && active < CONCURRENCY && queue.size > 0) {
      const [key, job] = queue.entries().next().value!;
      queue.delete(key);
      active += 1;
      work(job)
        .catch(onError)
        .finally(() => {
          active -= 1;
          pump();
        });
    }
    if (active === 0 && queue.size === 0) for (const resolve of idle) resolve();
  }

  return {
    /** Notes the new messages among committed events; never waits, never throws. */
    enqueue(events: StoredEvent[]): void {
      if (stopped) return;
      for (const event of events) {
        if (event.data.type !== 'message.new' || event.data.message.kind !== 'text') continue;
        const message = event.data.message;
        const key = `${message.conversationId}\n${message.senderId}`;
        if (queue.has(key)) stats.coalesced += 1;
        else if (queue.size >= maxQueued) {
          stats.dropped += 1;
          continue;
        }
        queue.set(key, { message, except: event.except ?? [] });
      }
      if (!scheduled && queue.size > 0) {
        scheduled = true;
        setImmediate(pump);
      }
    },

    stats: (): PushStats => ({ queued: queue.size, ...stats }),

    /** Resolves once nothing is queued or being pushed. */
    idle(): Promise<void> {
      if (active === 0 && queue.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          idle.delete(done);
          resolve();
        };
        idle.add(done);
      });
    },

    /** Stops taking messages; what is queued is dropped, and so are pushes under way. */
    async stop(): Promise<void> {
      stopped = true;
      stats.dropped += queue.size;
      queue.clear();
      await sender.stop();
    },
  };
}

export type PushNotifier = ReturnType<typeof createPushNotifier>;
