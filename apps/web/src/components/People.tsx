import { useEffect } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useChat } from '../hooks/useEngine.ts';
import { navigate } from '../hooks/useRoute.ts';
import { withPresence } from '../lib/conversations.ts';
import type { PublicUser } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { Avatar } from './Avatar.tsx';

function PersonRow({ user, onPick }: { user: PublicUser; onPick: () => void }) {
  const { engine } = useChat();
  const presence = useStore(engine.presence);
  const live = withPresence(user, presence);
  return (
    <li>
      <a
        href={`/c/${encodeURIComponent(user.id)}`}
        data-testid="search-result"
        data-username={user.username}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          navigate({ name: 'chat', peerId: user.id });
          onPick();
        }}
        className="flex items-center gap-3 rounded-xl px-3 py-2.5 hover:bg-slate-100 dark:hover:bg-slate-800/70"
      >
        <Avatar user={user} online={live.online} />
        <span className="min-w-0">
          <span className="block truncate font-medium">{user.displayName}</span>
          <span className="block truncate text-sm text-slate-500 dark:text-slate-400">
            @{user.username}
          </span>
        </span>
      </a>
    </li>
  );
}

export function SearchResults({ q, onPick }: { q: string; onPick: () => void }) {
  const { people } = useChat();
  const search = trpc.users.search.useQuery(
    { q, limit: 20 },
    { enabled: q.length > 0, placeholderData: keepPreviousData },
  );
  useEffect(() => {
    if (search.data)
      people.set((p) => ({ ...p, ...Object.fromEntries(search.data.map((u) => [u.id, u])) }));
  }, [search.data, people]);

  if (search.isError) {
    return <p className="px-3 py-6 text-center text-sm text-rose-600">{search.error.message}</p>;
  }
  if (!search.data) {
    return <p className="px-3 py-6 text-center text-sm text-slate-500">Searching…</p>;
  }
  if (search.data.length === 0) {
    return (
      <p className="px-3 py-6 text-center text-sm text-slate-500" data-testid="search-empty">
        Nobody matches “{q}”.
      </p>
    );
  }
  return (
    <>
      <h2 className="px-3 pt-1 pb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        People
      </h2>
      <ul aria-label="Search results">
        {search.data.map((u) => (
          <PersonRow key={u.id} user={u} onPick={onPick} />
        ))}
      </ul>
    </>
  );
}

/** Shown when there is no conversation yet: a few people to say hello to. */
export function Suggestions() {
  const { people } = useChat();
  const list = trpc.users.list.useQuery({ limit: 20 });
  useEffect(() => {
    if (list.data)
      people.set((p) => ({ ...p, ...Object.fromEntries(list.data.items.map((u) => [u.id, u])) }));
  }, [list.data, people]);
  if (!list.data?.items.length) return null;
  return (
    <>
      <h2 className="px-3 pt-4 pb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        People on Parley
      </h2>
      <ul aria-label="People on Parley">
        {list.data.items.map((u) => (
          <PersonRow key={u.id} user={u} onPick={() => undefined} />
        ))}
      </ul>
    </>
  );
}
