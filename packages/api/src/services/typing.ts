import type { Bus } from '@parley/bus';
import { userTopic, type UserBusMessage } from '../events.ts';

/** How long "is typing" lasts without a refresh. */
export const TYPING_TTL_MS = 5000;
/** A refresh within this window is absorbed: only the expiry moves. */
const TYPING_REPEAT_MS = 2000;

/** Typing indicators: sent only to the peer, throttled, expiring by themselves, never stored. */
export function createTyping(deps: { bus: Bus; onError: (error: unknown) => void }) {
  const active = new Map<string, { timer: NodeJS.Timeout; announcedAt: number }>();

  function announce(from: string, to: string, isTyping: boolean) {
    const message: UserBusMessage = { data: { type: 'typing', userId: from, isTyping } };
    deps.bus.publish(userTopic(to), message).catch(deps.onError);
  }

  function stopped(from: string, to: string) {
    const key = `${from}>${to}`;
    const entry = active.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    active.delete(key);
    announce(from, to, false);
  }

  return {
    started(from: string, to: string) {
      const key = `${from}>${to}`;
      const entry = active.get(key);
      const now = Date.now();
      if (entry) clearTimeout(entry.timer);
      const timer = setTimeout(() => stopped(from, to), TYPING_TTL_MS);
      timer.unref();
      const repeat = entry !== undefined && now - entry.announcedAt < TYPING_REPEAT_MS;
      active.set(key, { timer, announcedAt: repeat ? entry.announcedAt : now });
      if (!repeat) announce(from, to, true);
    },
    stopped,
    stop() {
      for (const { timer } of active.values()) clearTimeout(timer);
      active.clear();
    },
  };
}

export type Typing = ReturnType<typeof createTyping>;
