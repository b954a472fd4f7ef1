/**
 * Typing indicators: who is typing in which conversation, until when. They expire locally even
 * if the "stopped" is lost.
 */
export type TypingState = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** How long a "typing" event counts without a refresh (the server refreshes every few seconds). */
export const TYPING_EXPIRY_MS = 6000;

export function applyTyping(
  state: TypingState,
  event: { conversationId: string; userId: string; isTyping: boolean },
  now: number,
): TypingState {
  const here = state[event.conversationId] ?? {};
  if (event.isTyping) {
    return {
      ...state,
      [event.conversationId]: { ...here, [event.userId]: now + TYPING_EXPIRY_MS },
    };
  }
  if (!(event.userId in here)) return state;
  const { [event.userId]: _gone, ...rest } = here;
  return { ...state, [event.conversationId]: rest };
}

/** Who is typing in a conversation now, in the order they started. */
export function typingIn(state: TypingState, conversationId: string, now: number): string[] {
  return Object.entries(state[conversationId] ?? {})
    .filter(([, until]) => until > now)
    .map(([userId]) => userId);
}

/** Drops expired entries; returns the same object when nothing expired. */
export function pruneTyping(state: TypingState, now: number): TypingState {
  let changed = false;
  const next: Record<string, Record<string, number>> = {};
  for (const [conversationId, people] of Object.entries(state)) {
    const kept = Object.fromEntries(Object.entries(people).filter(([, until]) => until > now));
    if (Object.keys(kept).length !== Object.keys(people).length) changed = true;
    if (Object.keys(kept).length) next[conversationId] = kept;
    else if (Object.keys(people).length) changed = true;
  }
  return changed ? next : state;
}

/** "Alice is typing", "Alice and Bob are typing", "3 people are typing". */
export function describeTyping(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing`;
  return `${names.length} people are typing`;
}

/** How often "still typing" is repeated while the user keeps typing. */
export const TYPING_REPEAT_MS = 3000;

/**
 * My side, per conversation: tells the others I am typing, at most every TYPING_REPEAT_MS, and
 * that I stopped (on send, on blur, when the text is cleared) only if I had said I was typing.
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

/** Typing updates leave at most this often, whatever the conversations (the server allows 10/s). */
export const TYPING_GATE_MS = 300;

/**
 * The one way typing updates reach the server: at most one call per TYPING_GATE_MS, and for a
 * conversation whose state changed twice meanwhile, only the latest (a "stopped" is never lost).
 */
export function createTypingGate(
  send: (conversationId: string, isTyping: boolean) => void,
  clock: { now: () => number; setTimeout: (fn: () => void, ms: number) => unknown } = {
    now: Date.now,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
  },
) {
  const pending = new Map<string, boolean>();
  let lastSentAt = -Infinity;
  let scheduled = false;

  function flush() {
    scheduled = false;
    const first = pending.entries().next();
    if (first.done) return;
    const [conversationId, isTyping] = first.value;
    pending.delete(conversationId);
    lastSentAt = clock.now();
    send(conversationId, isTyping);
    schedule();
  }

  function schedule() {
    if (scheduled || pending.size === 0) return;
    const wait = lastSentAt + TYPING_GATE_MS - clock.now();
    if (wait <= 0) return flush();
    scheduled = true;
    clock.setTimeout(flush, wait);
  }

  return {
    push(conversationId: string, isTyping: boolean) {
      pending.delete(conversationId);
      pending.set(conversationId, isTyping);
      schedule();
    },
  };
}
