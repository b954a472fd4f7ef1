/** Unsent text per conversation, kept in storage so it survives switching and reloading. */
export function createDrafts(storage: Pick<Storage, 'getItem' | 'setItem'> | null, key: string) {
  let drafts: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
    if (parsed && typeof parsed === 'object') drafts = parsed as Record<string, string>;
  } catch {
    drafts = {};
  }
  return {
    get: (peerId: string) => (typeof drafts[peerId] === 'string' ? drafts[peerId] : ''),
    clear() {
      drafts = {};
      try {
        storage?.setItem(key, '{}');
      } catch {
        // Nothing to clear.
      }
    },
    set(peerId: string, text: string) {
      if (text) drafts[peerId] = text;
      else delete drafts[peerId];
      try {
        storage?.setItem(key, JSON.stringify(drafts));
      } catch {
        // Storage full or disabled: the draft lives until the page closes.
      }
    },
  };
}

export type Drafts = ReturnType<typeof createDrafts>;
