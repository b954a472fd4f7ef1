import { navigate } from '../app/navigation.ts';
import type { PublicUser } from '../lib/protocol.ts';
import { usePresence } from '../realtime/hooks.ts';
import { Avatar } from '../ui/Avatar.tsx';

export const rowClass =
  'flex items-center gap-3 rounded-xl px-3 py-2.5 hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-800/70 dark:focus-visible:bg-slate-800/70';

/** A person found (or suggested): opens their page. */
export function PersonRow({ user, onPick }: { user: PublicUser; onPick: () => void }) {
  const presence = usePresence(user);
  return (
    <li>
      <a
        href={`/u/${encodeURIComponent(user.id)}`}
        data-testid="search-result"
        data-nav-item
        data-username={user.username}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          navigate({ name: 'person', userId: user.id });
          onPick();
        }}
        className={rowClass}
      >
        <Avatar user={user} online={presence.state === 'online'} />
        <span className="min-w-0">
          <span className="block truncate font-medium">{user.displayName}</span>
          <span className="block truncate text-sm text-slate-600 dark:text-slate-400">
            @{user.username}
          </span>
        </span>
      </a>
    </li>
  );
}

/** Above a list of results. */
export const heading =
  'px-3 pt-2 pb-1 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400';
