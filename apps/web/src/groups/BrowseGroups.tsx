import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import type { PublicGroup } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { useDebounced } from '../lib/useDebounced.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { BackToList } from '../ui/BackToList.tsx';
import { SearchIcon } from '../ui/icons.tsx';
import { onListKeyDown } from '../ui/list-navigation.ts';
import { formatGroupSize } from './group-text.ts';
import { useJoin } from './useJoin.ts';

function GroupCard({ group }: { group: PublicGroup }) {
  const join = useJoin();
  return (
    <li
      className="flex items-center gap-3 rounded-xl bg-white px-3 py-3 ring-1 ring-slate-200 dark:bg-slate-950 dark:ring-slate-800"
      data-testid="public-group"
      data-title={group.title}
    >
      <Avatar user={{ id: group.id, displayName: group.title, avatarId: group.avatarId }} />
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">{group.title}</span>
        <span className="block text-sm text-slate-600 dark:text-slate-400">
          {formatGroupSize(group.memberCount)}
        </span>
      </span>
      <button
        type="button"
        data-nav-item
        disabled={join.isPending}
        onClick={() => void join.open(group)}
        aria-label={`${group.isMember ? 'Open' : 'Join'} ${group.title}`}
        className={`shrink-0 rounded-lg px-3 py-1.5 text-sm font-semibold disabled:opacity-50 ${
          group.isMember
            ? 'text-indigo-800 ring-1 ring-indigo-200 hover:bg-indigo-50 dark:text-indigo-200 dark:ring-indigo-800 dark:hover:bg-indigo-950'
            : 'bg-indigo-600 text-white hover:bg-indigo-500'
        }`}
      >
        {group.isMember ? 'Open' : 'Join'}
      </button>
    </li>
  );
}

/** Public groups, largest first, found by any word of their title. */
export function BrowseGroups() {
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim());
  const groups = trpc.groups.browse.useQuery(
    { ...(q ? { q } : {}), limit: 50 },
    { placeholderData: keepPreviousData, staleTime: 0 },
  );
  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="browse-title">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 md:px-6 dark:border-slate-800">
        <BackToList />
        <h2 id="browse-title" className="font-semibold">
          Public groups
        </h2>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
        <div className="mx-auto max-w-xl space-y-4">
          <label className="relative block">
            <span className="sr-only">Search public groups</span>
            <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500" />
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="Search public groups"
              autoComplete="off"
              className="block w-full rounded-xl border border-slate-300 bg-white py-2 pr-3 pl-9 text-base outline-none placeholder:text-slate-500 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100 dark:border-slate-700 dark:bg-slate-900 dark:focus:ring-indigo-950"
            />
          </label>
          {groups.isError ? (
            <p className="text-sm text-rose-700">{groups.error.message}</p>
          ) : !groups.data ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>
          ) : groups.data.items.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="browse-empty">
              {q ? `No public group matches “${q}”.` : 'There are no public groups yet.'}
            </p>
          ) : (
            <ul className="space-y-2" onKeyDown={onListKeyDown}>
              {groups.data.items.map((g) => (
                <GroupCard key={g.id} group={g} />
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
