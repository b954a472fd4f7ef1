import { keepPreviousData } from '@tanstack/react-query';
import { useJoin } from '../groups/useJoin.ts';
import { formatGroupSize } from '../groups/group-text.ts';
import type { PublicGroup } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { onListKeyDown } from '../ui/list-navigation.ts';
import { heading, PersonRow, rowClass } from './PersonRow.tsx';

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
