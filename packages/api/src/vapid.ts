import webPush from 'web-push';
import type { VapidKeys } from './services/push.ts';

/** A new VAPID key pair (P-256, base64url), for the server's Web Push identity. */
export function generateVapidKeys(): Omit<VapidKeys, 'subject'> {
  return webPush.generateVAPIDKeys();
}
