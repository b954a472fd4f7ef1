import type { ReactNode } from 'react';
import { useLinkHandler } from '../app/navigation.ts';
import { useIsAdmin } from '../admin/useIsAdmin.ts';
import { BackToList } from '../ui/BackToList.tsx';
import { NotificationSettings } from '../notifications/NotificationSettings.tsx';
import { FlagIcon } from '../ui/icons.tsx';
import { BlockedPeople } from './BlockedPeople.tsx';
import { PrivacySettings } from './PrivacySettings.tsx';

function Card({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section
      aria-labelledby={id}
      className="mx-auto max-w-xl rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200 md:p-6 dark:bg-slate-900 dark:ring-slate-800"
    >
      <h3 id={id} className="mb-4 text-base font-semibold">
        {title}
      </h3>
      {children}
    </section>
  );
}

/** Privacy, notifications, whom I blocked; for administrators, the way to the reports. */
export function SettingsScreen() {
  const isAdmin = useIsAdmin();
  const toReports = useLinkHandler({ name: 'adminReports' });
  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="settings-title">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 md:px-6 dark:border-slate-800">
        <BackToList />
        <h2 id="settings-title" className="font-semibold">
          Settings
        </h2>
      </header>
      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
        <Card title="Privacy" id="privacy-title">
          <PrivacySettings />
        </Card>
        <Card title="Notifications" id="notifications-title">
          <NotificationSettings />
        </Card>
        <Card title="Blocked people" id="blocked-title">
          <BlockedPeople />
        </Card>
        {isAdmin ? (
          <Card title="Administration" id="admin-title">
            <a
              href="/admin/reports"
              onClick={toReports}
              data-testid="admin-reports-link"
              className="inline-flex items-center gap-2 text-sm font-semibold text-indigo-700 hover:underline dark:text-indigo-300"
            >
              <FlagIcon className="size-4" />
              Reports from members
            </a>
          </Card>
        ) : null}
      </div>
    </section>
  );
}
