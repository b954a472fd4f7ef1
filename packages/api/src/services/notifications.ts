import { isIP } from 'node:net';
import type { Store } from '@parley/db';
import { AppError } from '../errors.ts';
import type { RateLimits } from './rate-limits.ts';

/**
 * Whether the server may POST to this endpoint: a push service's https URL. Plain http, local
 * and IP-literal hosts are refused (a subscription must not make the server call into its own
 * network) unless `allowInsecure` (development and tests).
 */
export function acceptableEndpoint(endpoint: string, allowInsecure: boolean): boolean {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (allowInsecure) return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return (
    url.protocol === 'https:' &&
    isIP(host) === 0 &&
    host !== 'localhost' &&
    !host.endsWith('.localhost') &&
    host.includes('.')
  );
}

/** Web Push subscriptions of my devices (whether they show previews is a privacy setting). */
export function createNotificationsService(deps: {
  store: Store;
  limits: RateLimits;
  /** The VAPID public key browsers subscribe with (base64url). */
  publicKey: string;
  allowInsecureEndpoints: boolean;
  now: () => Date;
}) {
  const { store, now } = deps;

  return {
    publicKey: () => ({ publicKey: deps.publicKey }),

    /** Stores this device's subscription, tied to my session: signing out ends the pushes. */
    async subscribe(
      me: { userId: string; sessionId: string },
      input: { endpoint: string; keys: { p256dh: string; auth: string } },
    ): Promise<{ ok: true }> {
      await deps.limits.consume('pushSubscribe', me.userId, 'Too many subscriptions at once.');
      if (!acceptableEndpoint(input.endpoint, deps.allowInsecureEndpoints))
        throw new AppError('BAD_REQUEST', 'The endpoint must be the https URL of a push service.', {
          fieldErrors: { endpoint: ['Not a push service URL.'] },
        });
      await store.savePushSubscription({
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        userId: me.userId,
        sessionId: me.sessionId,
        createdAt: now(),
      });
      return { ok: true };
    },

    /** Removes one of my devices' subscriptions (anybody else's stays). */
    async unsubscribe(me: string, input: { endpoint: string }): Promise<{ removed: boolean }> {
      return { removed: await store.deletePushSubscription(input.endpoint, me) };
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
