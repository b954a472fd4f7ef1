import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { askPermission, notificationPrefs, permission, setNotificationPrefs } from './prefs.ts';
import { unsubscribePush } from './push.ts';
import { pushState } from './useNotifications.ts';

function Switch({
  label,
  hint,
  checked,
  disabled,
  onChange,
  testId,
}: {
  label: string;
  hint: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (on: boolean) => void;
  testId: string;
}) {
  return (
    <label className="flex items-start justify-between gap-4 py-2">
      <span className="min-w-0">
        <span className="block text-sm font-medium">{label}</span>
        <span className="block text-xs text-slate-600 dark:text-slate-400">{hint}</span>
      </span>
      <input
        type="checkbox"
        role="switch"
        data-testid={testId}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        className="mt-1 size-5 shrink-0 accent-indigo-600"
      />
    </label>
  );
}

const PUSH_TEXT = {
  off: 'Off.',
  subscribing: 'Turning on…',
  on: 'On: you are told even with Parley closed.',
  unavailable: 'This browser offers no Web Push: you are told while Parley is open.',
} as const;

/** This device's notifications: on or off (with Web Push), and the sound. */
export function NotificationSettings() {
  const prefs = useStore(notificationPrefs);
  const allowed = useStore(permission);
  const push = useStore(pushState);
  const utils = trpc.useUtils();
  const on = prefs.enabled && allowed === 'granted';

  async function toggle(enable: boolean) {
    if (!enable) {
      setNotificationPrefs({ enabled: false });
      await unsubscribePush(utils.client).catch(() => undefined);
      return;
    }
    const answer = allowed === 'granted' ? allowed : await askPermission();
    setNotificationPrefs({ enabled: answer === 'granted' });
  }

  return (
    <div data-testid="notification-settings">
      <Switch
        label="Notifications on this device"
        hint={
          allowed === 'unsupported'
            ? 'This browser cannot show notifications.'
            : allowed === 'denied'
              ? 'Blocked in the browser: allow them in its site settings.'
              : on
                ? `Web Push: ${PUSH_TEXT[push]}`
                : 'New messages while Parley is in the background.'
        }
        checked={on}
        disabled={allowed === 'unsupported' || allowed === 'denied'}
        onChange={(v) => void toggle(v)}
        testId="notifications-switch"
      />
      <Switch
        label="Sound"
        hint="A short chime with each notification."
        checked={prefs.sound}
        disabled={!on}
        onChange={(sound) => setNotificationPrefs({ sound })}
        testId="sound-switch"
      />
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Muted conversations never notify. Whether notifications show message text is a privacy
        setting of your account.
      </p>
    </div>
  );
}
