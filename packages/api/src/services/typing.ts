/** How long "is typing" lasts without a refresh. */
export const TYPING_TTL_MS = 5000;
/** A refresh within this window is absorbed: only the expiry moves. */
const TYPING_REPEAT_MS = 2000;

/**
 * Typing indicators: sent to the other members of the conversation, throttled, expiring by
 * themselves, never stored.
 */
export function createTyping(deps: {
  /** `except`: members who must not see it (they blocked the typist). */
  announce: (from: string, conversationId: string, isTyping: boolean, except: string[]) => void;
}) {
  const active = new Map<
    string,
    { timer: NodeJS.Timeout; announcedAt: number; except: string[] }
  >();

  function stopped(from: string, conversationId: string) {
    const key = `${from}>${conversationId}`;
    const entry = active.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    active.delete(key);
    deps.announce(from, conversationId, false, entry.except);
  }

  return {
    started(from: string, conversationId: string, except: string[] = []) {
      const key = `${from}>${conversationId}`;
      const entry = active.get(key);
      const now = Date.now();
      if (entry) clearTimeout(entry.timer);
      const timer = setTimeout(() => stopped(from, conversationId), TYPING_TTL_MS);
      timer.unref();
      const repeat = entry !== undefined && now - entry.announcedAt < TYPING_REPEAT_MS;
      active.set(key, { timer, announcedAt: repeat ? entry.announcedAt : now, except });
      if (!repeat) deps.announce(from, conversationId, true, except);
    },
    stopped,
    stop() {
      for (const { timer } of active.values()) clearTimeout(timer);
      active.clear();
    },
  };
}

export type Typing = ReturnType<typeof createTyping>;
