import { keepPreviousData } from '@tanstack/react-query';
import { navigate } from '../app/navigation.ts';
import { useJoin } from '../groups/useJoin.ts';
import { formatGroupSize } from '../groups/group-text.ts';
import type { PublicGroup, PublicUser } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { usePresence } from '../realtime/hooks.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { onListKeyDown } from '../ui/list-navigation.ts';

const rowClass =
  'flex items-center gap-3 rounded-xl px-3 py-2.5 hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-800/70 dark:focus-visible:bg-slate-800/70';

function PersonRow({ user, onPick }: { user: PublicUser; onPick: () => void }) {
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

function GroupRow({ group, onPick }: { group: PublicGroup; onPick: () => void }) {
  const join = useJoin();
  return (
    <li>
      <button
        type="button"
        data-testid="group-result"
        data-nav-item
        data-title={group.title}
        disabled={join.isPending}
        onClick={() => {
          onPick();
          void join.open(group);
        }}
        className={`${rowClass} w-full text-left`}
      >
        <Avatar user={{ id: group.id, displayName: group.title, avatarId: group.avatarId }} />
        <span className="min-w-0 flex-1">
          <span className="block truncate font-medium">{group.title}</span>
          <span className="block truncate text-sm text-slate-600 dark:text-slate-400">
            {formatGroupSize(group.memberCount)}
          </span>
        </span>
        <span className="shrink-0 text-sm font-semibold text-indigo-700 dark:text-indigo-300">
          {group.isMember ? 'Open' : 'Join'}
        </span>
      </button>
    </li>
  );
}

const heading =
  'px-3 pt-2 pb-1 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400';

/** People (by any word of their name, or their username) and public groups matching `q`. */
export function SearchResults({
  q,
  onPick,
  onEscape,
}: {
  q: string;
  onPick: () => void;
  onEscape: () => void;
}) {
  const people = trpc.users.search.useQuery(
    { q, limit: 20 },
    { enabled: q.length > 0, placeholderData: keepPreviousData },
  );
  const groups = trpc.groups.browse.useQuery(
    { q, limit: 5 },
    { enabled: q.length > 0, placeholderData: keepPreviousData },
  );

  if (people.isError) {
    return <p className="px-3 py-6 text-center text-sm text-rose-700">{people.error.message}</p>;
  }
  if (!people.data) {
    return <p className="px-3 py-6 text-center text-sm text-slate-600">Searching…</p>;
  }
  const found = groups.data?.items ?? [];
  if (people.data.length === 0 && found.length === 0) {
    return (
      <p
        className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400"
        data-testid="search-empty"
      >
        Nobody and no public group matches “{q}”.
      </p>
    );
  }
  return (
    <div
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onEscape();
        } else onListKeyDown(e);
      }}
    >
      {people.data.length ? (
        <>
          <h2 className={heading}>People</h2>
          <ul aria-label="People">
            {people.data.map((u) => (
              <PersonRow key={u.id} user={u} onPick={onPick} />
            ))}
          </ul>
        </>
      ) : null}
      {found.length ? (
        <>
          <h2 className={heading}>Public groups</h2>
          <ul aria-label="Public groups">
            {found.map((g) => (
              <GroupRow key={g.id} group={g} onPick={onPick} />
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** Shown when there is no conversation yet: a few people to say hello to. */
export function Suggestions() {
  const list = trpc.users.list.useQuery({ limit: 20 });
  if (!list.data?.items.length) return null;
  return (
    <>
      <h2 className={heading}>People on Parley</h2>
      <ul aria-label="People on Parley" onKeyDown={onListKeyDown}>
        {list.data.items.map((u) => (
          <PersonRow key={u.id} user={u} onPick={() => undefined} />
        ))}
      </ul>
    </>
  );
}
