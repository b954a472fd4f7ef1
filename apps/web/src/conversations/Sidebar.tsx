import { Suspense, useEffect, useRef, useState } from 'react';
import { useLinkHandler, useRoute } from '../app/navigation.ts';
import { useChat } from '../app/session-context.ts';
import { toast } from '../app/toast.ts';
import { auth } from '../auth/session.ts';
import { lazyComponent } from '../lib/lazy-component.ts';
import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { useDebounced } from '../lib/useDebounced.ts';
import { NotificationOffer } from '../notifications/NotificationOffer.tsx';
import { unsubscribePush } from '../notifications/push.ts';
import { SearchTabs, type SearchTab } from '../search/SearchTabs.tsx';
import { Avatar } from '../ui/Avatar.tsx';
import {
  CloseIcon,
  GlobeIcon,
  LogOutIcon,
  SearchIcon,
  SettingsIcon,
  UsersIcon,
} from '../ui/icons.tsx';
import { navItems } from '../ui/list-navigation.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { ConversationList } from './ConversationList.tsx';

// The results load once the search box is focused (they show when something is typed).
const SearchResults = lazyComponent(() =>
  import('../search/SearchResults.tsx').then((m) => m.SearchResults),
);
const MessageResults = lazyComponent(() =>
  import('../search/MessageResults.tsx').then((m) => m.MessageResults),
);
const preloadResults = () => {
  SearchResults.preload();
  MessageResults.preload();
};

const iconButton =
  'inline-flex size-10 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white';

export function Sidebar() {
  const me = useStore(auth.state, (s) => (s.status === 'signedIn' ? s.user : null));
  const route = useRoute();
  const [query, setQuery] = useState('');
  const [tab, setTab] = useState<SearchTab>('people');
  const searchRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const q = useDebounced(query.trim(), 200);
  const searching = query.trim().length > 0;
  const toProfile = useLinkHandler({ name: 'profile' });
  const toNewGroup = useLinkHandler({ name: 'newGroup' });
  const toBrowse = useLinkHandler({ name: 'browse' });
  const toSettings = useLinkHandler({ name: 'settings' });
  const { engine, drafts } = useChat();
  const utils = trpc.useUtils();

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
    const unsent = engine.outbox.get().filter((i) => i.status !== 'acked').length;
    if (
      unsent &&
      !window.confirm(`${unsent} message(s) are not sent yet. Log out and discard them?`)
    ) {
      return;
    }
    engine.forget();
    drafts.clear();
    // This device gets no more pushes (the server also stops them with the session).
    void unsubscribePush(utils.client)
      .catch(() => undefined)
      .then(() => auth.logout())
      .catch(() => toast('Could not reach the server; you are signed out here.'));
  }

  if (!me) return null;
  const conversationId = route.name === 'conversation' ? route.conversationId : null;
  return (
    <>
      <header className="flex items-center gap-1 border-b border-slate-200 py-2 pr-2 pl-3 dark:border-slate-800">
        <div className="flex min-w-0 flex-1 items-center gap-3">
          <a
            href="/profile"
            onClick={toProfile}
            aria-current={route.name === 'profile' ? 'page' : undefined}
            className="flex min-w-0 items-center gap-3 rounded-lg p-1"
          >
            <Avatar user={me} size="sm" />
            <span className="truncate text-sm font-semibold" data-testid="my-name">
              {me.displayName}
            </span>
            <span className="sr-only">(your profile)</span>
          </a>
          <ConnectionBadge />
        </div>
        <a href="/groups/new" onClick={toNewGroup} className={iconButton} title="New group">
          <UsersIcon />
          <span className="sr-only">New group</span>
        </a>
        <a href="/groups" onClick={toBrowse} className={iconButton} title="Browse public groups">
          <GlobeIcon />
          <span className="sr-only">Browse public groups</span>
        </a>
        <a
          href="/settings"
          onClick={toSettings}
          aria-current={route.name === 'settings' ? 'page' : undefined}
          className={iconButton}
          title="Settings"
        >
          <SettingsIcon />
          <span className="sr-only">Settings</span>
        </a>
        <button type="button" title="Log out" onClick={logout} className={iconButton}>
          <LogOutIcon />
          <span className="sr-only">Log out</span>
        </button>
      </header>
      <div className="px-3 pt-3 pb-2">
        <label className="relative block">
          <span className="sr-only">Search people and groups, or messages</span>
          <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500" />
          <input
            ref={searchRef}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onFocus={preloadResults}
            onKeyDown={(e) => {
              const first = resultsRef.current ? navItems(resultsRef.current)[0] : undefined;
              if (e.key === 'Escape' && query) {
                e.preventDefault();
                setQuery('');
              } else if (e.key === 'ArrowDown' && first) {
                e.preventDefault();
                first.focus();
              } else if (e.key === 'Enter' && searching && first) {
                // Enter opens the top hit.
                e.preventDefault();
                first.click();
              }
            }}
            placeholder="Search people, groups, messages"
            aria-label="Search people and groups, or messages"
            autoComplete="off"
            className="w-full rounded-xl border border-transparent bg-slate-100 py-2 pr-9 pl-9 text-base outline-none placeholder:text-slate-500 focus:border-indigo-500 focus:bg-white focus:ring-2 focus:ring-indigo-100 dark:bg-slate-800 dark:placeholder:text-slate-400 dark:focus:border-indigo-400 dark:focus:bg-slate-900 dark:focus:ring-indigo-950 [&::-webkit-search-cancel-button]:hidden"
          />
          {searching ? (
            <button
              type="button"
              aria-label="Clear search"
              onClick={() => setQuery('')}
              className="absolute top-1/2 right-2 -translate-y-1/2 rounded p-1 text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-white"
            >
              <CloseIcon className="size-4" />
            </button>
          ) : null}
        </label>
      </div>
      {searching ? <SearchTabs tab={tab} onChange={setTab} /> : <NotificationOffer />}
      <div
        ref={resultsRef}
        id={searching ? `search-${tab}` : undefined}
        role={searching ? 'tabpanel' : undefined}
        aria-labelledby={searching ? `search-tab-${tab}` : undefined}
        className="scrollbar-thin min-h-0 flex-1 overflow-y-auto px-2 pt-1 pb-3"
      >
        {searching ? (
          <Suspense fallback={null}>
            {tab === 'messages' ? (
              <MessageResults q={q} onPick={() => setQuery('')} />
            ) : (
              <SearchResults
                q={q}
                onPick={() => setQuery('')}
                onEscape={() => {
                  setQuery('');
                  searchRef.current?.focus();
                }}
              />
            )}
          </Suspense>
        ) : (
          <ConversationList activeId={conversationId} />
        )}
      </div>
    </>
  );
}
