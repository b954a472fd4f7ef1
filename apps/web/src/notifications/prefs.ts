/**
 * This device's notification choices, kept in localStorage: notifications on (with Web Push),
 * a sound, and whether I said "not now" to the offer. What the browser allows is apart
 * (`permission`).
 */
import { createStore } from '../lib/store.ts';

export interface NotificationPrefs {
  enabled: boolean;
  sound: boolean;
  /** "Not now" to the banner: it does not come back (Settings still can turn them on). */
  offerDismissed: boolean;
}

const KEY = 'parley.notifications';
const DEFAULTS: NotificationPrefs = { enabled: false, sound: true, offerDismissed: false };

function storage(): Storage | null {
  return typeof localStorage === 'undefined' ? null : localStorage;
}

function load(): NotificationPrefs {
  try {
    const saved = JSON.parse(
      storage()?.getItem(KEY) ?? 'null',
    ) as Partial<NotificationPrefs> | null;
    return { ...DEFAULTS, ...saved };
  } catch {
    return DEFAULTS;
  }
}

export const notificationPrefs = createStore<NotificationPrefs>(load());

export function setNotificationPrefs(patch: Partial<NotificationPrefs>): void {
  notificationPrefs.set((prefs) => ({ ...prefs, ...patch }));
  storage()?.setItem(KEY, JSON.stringify(notificationPrefs.get()));
}

/** What the browser allows: 'unsupported' where there is no Notification API. */
export type Permission = NotificationPermission | 'unsupported';

const currentPermission = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

export const permission = createStore<Permission>(currentPermission());

/** Asks the browser (only ever from a click); returns what it said. */
export async function askPermission(): Promise<Permission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  const answer = await Notification.requestPermission();
  permission.set(answer);
  return answer;
}

/** The permission may change in the browser's settings while the app is open. */
export function watchPermission(): () => void {
  if (typeof navigator === 'undefined' || !navigator.permissions) return () => undefined;
  let status: PermissionStatus | null = null;
  const update = () => permission.set(currentPermission());
  navigator.permissions
    .query({ name: 'notifications' })
    .then((s) => {
      status = s;
      s.addEventListener('change', update);
    })
    .catch(() => undefined);
  return () => status?.removeEventListener('change', update);
}
