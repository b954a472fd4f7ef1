import { useState } from 'react';
import type { PublicUser } from '../lib/protocol.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { useBlockedList, useSetBlocked } from '../safety/useBlocking.ts';

function BlockedPerson({ user }: { user: PublicUser }) {
  const setBlocked = useSetBlocked();
  const [busy, setBusy] = useState(false);
  return (
    <li
      className="flex items-center gap-3 py-2"
      data-testid="blocked-person"
      data-username={user.username}
    >
      <Avatar user={user} size="sm" />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium">{user.displayName}</span>
        <span className="block truncate text-xs text-slate-600 dark:text-slate-400">
          @{user.username}
        </span>
      </span>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void setBlocked(user, false).finally(() => setBusy(false));
        }}
        aria-label={`Unblock ${user.displayName}`}
        className="shrink-0 rounded-lg px-3 py-1.5 text-sm font-semibold text-indigo-800 ring-1 ring-indigo-200 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-200 dark:ring-indigo-800 dark:hover:bg-indigo-950"
      >
        Unblock
      </button>
    </li>
  );
}

/** Everyone I blocked, most recent first, each with Unblock. */
export function BlockedPeople() {
  const blocked = useBlockedList();
  if (blocked.isPending)
    return <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>;
  if (!blocked.data?.length)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-blocked">
        You have not blocked anyone. To block someone, open their details or the ⋮ menu of your
        conversation.
      </p>
    );
  return (
    <ul
      className="-my-2 divide-y divide-slate-200 dark:divide-slate-800"
      data-testid="blocked-list"
    >
      {blocked.data.map((entry) => (
        <BlockedPerson key={entry.user.id} user={entry.user} />
      ))}
    </ul>
  );
}
