import { Segmented } from '../ui/Segmented.tsx';
import { Switch } from '../ui/Switch.tsx';
import type { PrivacySettings as Settings } from './settings-patch.ts';
import { usePrivacySettings } from './usePrivacySettings.ts';

const LAST_SEEN: ReadonlyArray<{ value: Settings['lastSeen']; label: string }> = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'contacts', label: 'People I chat with' },
  { value: 'nobody', label: 'Nobody' },
];

/** Who sees my last seen and online status, read receipts, notification previews. */
export function PrivacySettings() {
  const { settings, error, change } = usePrivacySettings();
  if (!settings)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400" role={error ? 'alert' : undefined}>
        {error ?? 'Loading…'}
      </p>
    );
  return (
    <div className="space-y-6">
      <Segmented
        legend="Who sees my last seen and online status"
        options={LAST_SEEN}
        value={settings.lastSeen}
        onChange={(lastSeen) => change({ lastSeen })}
        note="If you don’t share your last seen and online status, you won’t see other people’s either."
        testId="last-seen-setting"
      />
      <Switch
        label="Read receipts"
        hint="If you turn them off, you won’t send or receive read receipts in one-to-one chats. Groups always have them."
        checked={settings.readReceipts}
        onChange={(readReceipts) => change({ readReceipts })}
        testId="read-receipts-switch"
      />
      <Switch
        label="Notification previews"
        hint="Show the text of new messages in notifications. Off: they only say who wrote."
        checked={settings.notificationPreviews}
        onChange={(notificationPreviews) => change({ notificationPreviews })}
        testId="previews-switch"
      />
    </div>
  );
}
