import { createStore } from '../lib/store.ts';

/**
 * Unsent text per conversation (or per person before our conversation exists), kept in storage
 * so it survives switching and reloading; observable, so the list can show it.
 */
export function createDrafts(storage: Pick<Storage, 'getItem' | 'setItem'> | null, key: string) {
  let initial: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
    if (parsed && typeof parsed === 'object') initial = parsed as Record<string, string>;
  } catch {
    initial = {};
  }
  const store = createStore<Readonly<Record<string, string>>>(initial);
  store.subscribe(() => {
    try {
      storage?.setItem(key, JSON.stringify(store.get()));
    } catch {
      // Storage full or disabled: the draft lives until the page closes.
    }
  });
  return {
    store,
    get: (id: string) => {
      const text = store.get()[id];
      return typeof text === 'string' ? text : '';
    },
    set(id: string, text: string) {
      store.set((all) => {
        if ((all[id] ?? '') === text) return all;
        const { [id]: _old, ...rest } = all;
        return text ? { ...rest, [id]: text } : rest;
      });
    },
    clear: () => store.set({}),
  };
}

export type Drafts = ReturnType<typeof createDrafts>;

/** The draft key of a conversation, or of a person before our conversation exists. */
export const draftKey = (target: { conversationId: string } | { to: string }) =>
  'conversationId' in target ? target.conversationId : `to:${target.to}`;
