import { keepPreviousData } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { PublicUser } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { useDebounced } from '../lib/useDebounced.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { CloseIcon, PlusIcon, SearchIcon } from '../ui/icons.tsx';
import { onListKeyDown } from '../ui/list-navigation.ts';

/** People to add to a group, found by search (any word of a name, or the username). */
export function PeoplePicker({
  selected,
  onChange,
  exclude,
  label = 'Add people',
}: {
  selected: readonly PublicUser[];
  onChange: (next: PublicUser[]) => void;
  /** Ids not to offer (me, current members). */
  exclude: ReadonlySet<string>;
  label?: string;
}) {
  const inputId = useId();
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim());
  const search = trpc.users.search.useQuery(
    { q, limit: 10 },
    { enabled: q.length > 0, placeholderData: keepPreviousData },
  );
  const chosen = new Set(selected.map((u) => u.id));
  const offered = (search.data ?? []).filter((u) => !exclude.has(u.id));
  return (
    <div className="space-y-2" data-testid="people-picker">
      <label
        htmlFor={inputId}
        className="block text-sm font-medium text-slate-700 dark:text-slate-300"
      >
        {label}
      </label>
      {selected.length ? (
        <ul className="flex flex-wrap gap-2" aria-label="Chosen people">
          {selected.map((u) => (
            <li
              key={u.id}
              data-testid="picked-person"
              className="inline-flex items-center gap-1.5 rounded-full bg-indigo-50 py-1 pr-1 pl-1 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
            >
              <Avatar user={u} size="xs" />
              {u.displayName}
              <button
                type="button"
                onClick={() => onChange(selected.filter((s) => s.id !== u.id))}
                aria-label={`Remove ${u.displayName}`}
                className="inline-flex size-6 items-center justify-center rounded-full hover:bg-indigo-100 dark:hover:bg-indigo-900"
              >
                <CloseIcon className="size-3.5" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500" />
        <input
          id={inputId}
          type="search"
          value={query}
          autoComplete="off"
          placeholder="Search by name or username"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              // Enter takes the top hit.
              e.preventDefault();
              const top = offered.find((u) => !chosen.has(u.id));
              if (top) {
                onChange([...selected, top]);
                setQuery('');
              }
            }
          }}
          className="block w-full rounded-lg border border-slate-300 bg-white py-2 pr-3 pl-9 text-base outline-none placeholder:text-slate-500 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100 dark:border-slate-700 dark:bg-slate-900 dark:focus:ring-indigo-950"
        />
      </div>
      {q && search.data ? (
        offered.length ? (
          <ul className="space-y-0.5" aria-label="Matching people" onKeyDown={onListKeyDown}>
            {offered.map((u) => {
              const picked = chosen.has(u.id);
              return (
                <li key={u.id}>
                  <button
                    type="button"
                    data-nav-item
                    data-testid="pick-person"
                    data-username={u.username}
                    aria-pressed={picked}
                    onClick={() =>
                      onChange(picked ? selected.filter((s) => s.id !== u.id) : [...selected, u])
                    }
                    className="flex w-full items-center gap-3 rounded-lg px-2 py-1.5 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
                  >
                    <Avatar user={u} size="sm" />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate text-sm font-medium">{u.displayName}</span>
                      <span className="block truncate text-xs text-slate-600 dark:text-slate-400">
                        @{u.username}
                      </span>
                    </span>
                    <span
                      className={`inline-flex size-7 items-center justify-center rounded-full ${picked ? 'bg-indigo-600 text-white' : 'text-slate-600 ring-1 ring-slate-300 dark:text-slate-300 dark:ring-slate-600'}`}
                      aria-hidden="true"
                    >
                      {picked ? '✓' : <PlusIcon className="size-4" />}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Nobody matches “{q}”.</p>
        )
      ) : null}
    </div>
  );
}
