import { useEffect, useState } from 'react';
import { useRoute } from '../app/navigation.ts';
import { useStore } from '../lib/store.ts';
import { BellIcon } from '../ui/icons.tsx';
import { askPermission, notificationPrefs, permission, setNotificationPrefs } from './prefs.ts';

/**
 * The offer to turn notifications on: a small banner above the list, once I have opened a
 * conversation (never on load), until I answer it. The browser's prompt comes only from its
 * button.
 */
export function NotificationOffer() {
  const route = useRoute();
  const prefs = useStore(notificationPrefs);
  const allowed = useStore(permission);
  const [openedOne, setOpenedOne] = useState(false);
  useEffect(() => {
    if (route.name === 'conversation') setOpenedOne(true);
  }, [route.name]);

  const answered = prefs.offerDismissed || (prefs.enabled && allowed === 'granted');
  if (!openedOne || answered || allowed === 'unsupported' || allowed === 'denied') return null;
  return (
    <div
      role="region"
      aria-label="Notifications"
      data-testid="notification-offer"
      className="mx-3 mb-2 flex items-center gap-3 rounded-xl bg-indigo-50 px-3 py-2 text-sm text-indigo-950 ring-1 ring-indigo-100 dark:bg-indigo-950/60 dark:text-indigo-100 dark:ring-indigo-900"
    >
      <BellIcon className="size-5 shrink-0" />
      <p className="min-w-0 flex-1">Get notified of new messages?</p>
      <button
        type="button"
        onClick={() => setNotificationPrefs({ offerDismissed: true })}
        className="shrink-0 rounded-lg px-2 py-1 font-medium text-indigo-800 hover:bg-indigo-100 dark:text-indigo-200 dark:hover:bg-indigo-900"
      >
        Not now
      </button>
      <button
        type="button"
        data-testid="enable-notifications"
        onClick={() => {
          void askPermission().then((answer) =>
            setNotificationPrefs(
              answer === 'granted' ? { enabled: true } : { offerDismissed: true },
            ),
          );
        }}
        className="shrink-0 rounded-lg bg-indigo-600 px-2.5 py-1 font-semibold text-white hover:bg-indigo-500"
      >
        Turn on
      </button>
    </div>
  );
}
