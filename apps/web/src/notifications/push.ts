/**
 * Web Push on this device: the service worker (/sw.js), and a push subscription made with the
 * server's VAPID key and handed to the server, or taken back.
 */
import type { ApiClient } from '../realtime/client.ts';

export const WORKER_URL = '/sw.js';

const supported = () =>
  typeof navigator !== 'undefined' &&
  'serviceWorker' in navigator &&
  typeof PushManager !== 'undefined';

/** A base64url key as the bytes `applicationServerKey` takes. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Registers the service worker (idempotent). */
export async function registerWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!supported()) return null;
  await navigator.serviceWorker.register(WORKER_URL);
  return navigator.serviceWorker.ready;
}

/**
 * Subscribes this device and tells the server (again after every sign-in: the subscription
 * belongs to the session). Throws when the browser has no push service.
 */
export async function subscribePush(client: ApiClient): Promise<void> {
  const registration = await registerWorker();
  if (!registration) throw new Error('This browser has no Web Push.');
  const { publicKey } = await client.notifications.publicKey.query();
  const key = keyBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  // A subscription made with another server key cannot be used: replace it.
  const current = subscription?.options.applicationServerKey;
  if (subscription && current && !sameBytes(new Uint8Array(current), key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  const json = subscription.toJSON();
  await client.notifications.subscribe.mutate({
    endpoint: subscription.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  });
}

/** Ends Web Push on this device: the server forgets it, the browser drops it. */
export async function unsubscribePush(client: ApiClient): Promise<void> {
  if (!supported()) return;
  const registration = await navigator.serviceWorker.getRegistration(WORKER_URL);
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  await client.notifications.unsubscribe
    .mutate({ endpoint: subscription.endpoint })
    .catch(() => undefined);
  await subscription.unsubscribe();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
