import { useEffect, useRef, useState } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { useLinkHandler, useRoute } from '../hooks/useRoute.ts';
import { auth } from '../lib/session.ts';
import { useStore } from '../lib/store.ts';
import { toast } from '../lib/toast.ts';
import { Avatar } from './Avatar.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { ConversationList } from './ConversationList.tsx';
import { CloseIcon, LogOutIcon, SearchIcon } from './icons.tsx';
import { SearchResults } from './People.tsx';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

export function Sidebar() {
  const me = useStore(auth.state, (s) => (s.status === 'signedIn' ? s.user : null));
  const route = useRoute();
  const [query, setQuery] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const q = useDebounced(query.trim(), 200);
  const searching = query.trim().length > 0;
  const toProfile = useLinkHandler({ name: 'profile' });
  const { engine, drafts } = useChat();

  // Ctrl/⌘+K focuses the search from anywhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /** Explicit logout on a shared computer: nothing of mine stays in this browser. */
  function logout() {
    const unsent = engine.outbox.get().length;
    if (
      unsent &&
      !window.confirm(`${unsent} message(s) are not sent yet. Log out and discard them?`)
    ) {
      return;
    }
    engine.forget();
    drafts.clear();
    auth.logout().catch(() => toast('Could not reach the server; you are signed out here.'));
  }

  if (!me) return null;
  return (
    <>
      <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <a
          href="/profile"
          onClick={toProfile}
          aria-label="Your profile"
          aria-current={route.name === 'profile' ? 'page' : undefined}
          className="flex min-w-0 flex-1 items-center gap-3 rounded-lg"
        >
          <Avatar user={me} size="sm" />
          <span className="min-w-0">
            <span className="block truncate text-sm font-semibold" data-testid="my-name">
              {me.displayName}
            </span>
            <ConnectionBadge />
          </span>
        </a>
        <button
          type="button"
          aria-label="Log out"
          title="Log out"
          onClick={logout}
          className="rounded-lg p-2 text-slate-500 hover:bg-slate-100 hover:text-slate-800 dark:hover:bg-slate-800 dark:hover:text-slate-200"
        >
          <LogOutIcon />
        </button>
      </header>
      <div className="px-3 pt-3 pb-2">
        <label className="relative block">
          <span className="sr-only">Search people</span>
          <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
          <input
            ref={searchRef}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setQuery('')}
            placeholder="Search people"
            aria-label="Search people"
            autoComplete="off"
            className="w-full rounded-xl border border-transparent bg-slate-100 py-2 pr-9 pl-9 text-sm outline-none placeholder:text-slate-500 focus:border-indigo-400 focus:bg-white focus:ring-2 focus:ring-indigo-100 dark:bg-slate-800 dark:focus:border-indigo-500 dark:focus:bg-slate-900 dark:focus:ring-indigo-950 [&::-webkit-search-cancel-button]:hidden"
          />
          {searching ? (
            <button
              type="button"
              aria-label="Clear search"
              onClick={() => setQuery('')}
              className="absolute top-1/2 right-2 -translate-y-1/2 rounded p-1 text-slate-400 hover:text-slate-700"
            >
              <CloseIcon className="size-4" />
            </button>
          ) : null}
        </label>
      </div>
      <div className="scrollbar-thin min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {searching ? (
          <SearchResults q={q} onPick={() => setQuery('')} />
        ) : (
          <ConversationList activePeerId={route.name === 'chat' ? route.peerId : null} />
        )}
      </div>
    </>
  );
}
