import type { Profile, PublicUser } from '../lib/protocol.ts';
import { createStore } from '../lib/store.ts';

/** users.get takes at most this many ids at once. */
const BATCH = 100;

/**
 * Everyone the app has heard of, by id: from lists, members, search results and `user.updated`
 * events. Names for senders, system lines and typing come from here; ids nobody has described
 * yet are fetched in batches (`want`), each at most once until it fails.
 */
export function createDirectory(
  fetchUsers: (ids: string[]) => Promise<PublicUser[]>,
  defer: (fn: () => void) => void = (fn) => setTimeout(fn, 10),
) {
  const people = createStore<Readonly<Record<string, PublicUser>>>({});
  const queued = new Set<string>();
  const asked = new Set<string>();
  let flushing = false;

  function note(users: readonly PublicUser[]) {
    if (users.length === 0) return;
    people.set((all) => {
      const next = { ...all };
      for (const u of users) next[u.id] = u;
      return next;
    });
  }

  function flush() {
    flushing = false;
    const ids = [...queued];
    queued.clear();
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      fetchUsers(batch).then(note, () => {
        for (const id of batch) asked.delete(id);
      });
    }
  }

  function fetch(ids: Iterable<string>) {
    for (const id of ids) {
      asked.add(id);
      queued.add(id);
    }
    if (queued.size && !flushing) {
      flushing = true;
      defer(flush);
    }
  }

  return {
    people,
    note,
    /** A changed name, bio or picture: merged into what is known (presence kept). */
    noteProfile(profile: Profile) {
      people.set((all) => {
        const known = all[profile.id];
        return known ? { ...all, [profile.id]: { ...known, ...profile } } : all;
      });
    },
    /** Fetches the ids not known (nor already asked for). */
    want(ids: Iterable<string>) {
      const all = people.get();
      fetch([...ids].filter((id) => !all[id] && !asked.has(id)));
    },
    /** Fetches these again (a person on screen: their presence must be current). */
    refresh: (ids: Iterable<string>) => fetch(ids),
  };
}
