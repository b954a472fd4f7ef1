/** Peer typing indicators: who is typing, until when. Expire locally even if "stopped" is lost. */
export type TypingState = Readonly<Record<string, number>>;

/** How long a "typing" event counts without a refresh (the server refreshes every few seconds). */
export const TYPING_EXPIRY_MS = 6000;

export function applyTyping(
  state: TypingState,
  event: { userId: string; isTyping: boolean },
  now: number,
): TypingState {
  if (event.isTyping) return { ...state, [event.userId]: now + TYPING_EXPIRY_MS };
  if (!(event.userId in state)) return state;
  const next = { ...state };
  delete next[event.userId];
  return next;
}

export function isTyping(state: TypingState, userId: string, now: number): boolean {
  const until = state[userId];
  return until !== undefined && until > now;
}

/** Drops expired entries; returns the same object when nothing expired. */
export function pruneTyping(state: TypingState, now: number): TypingState {
  const expired = Object.entries(state).filter(([, until]) => until <= now);
  if (expired.length === 0) return state;
  const next = { ...state };
  for (const [userId] of expired) delete next[userId];
  return next;
}

/** When the next entry expires, to schedule a re-render; null when nobody is typing. */
export function nextExpiry(state: TypingState): number | null {
  const times = Object.values(state);
  return times.length ? Math.min(...times) : null;
}

/** How often "still typing" is repeated while the user keeps typing. */
export const TYPING_REPEAT_MS = 3000;

/**
 * My side: tells the peer I am typing, at most every TYPING_REPEAT_MS, and that I stopped
 * (on send, on blur, when the text is cleared) only if I had said I was typing.
 */
export function createTypingSender(send: (isTyping: boolean) => void, now: () => number) {
  let announcedAt: number | null = null;
  return {
    input(text: string) {
      if (text.trim() === '') return this.stop();
      const t = now();
      if (announcedAt === null || t - announcedAt >= TYPING_REPEAT_MS) {
        announcedAt = t;
        send(true);
      }
    },
    stop() {
      if (announcedAt === null) return;
      announcedAt = null;
      send(false);
    },
  };
}
