import { isDurable, type ChatEvent } from '../lib/protocol.ts';

/**
 * How far my event stream got. Durable events carry increasing (not contiguous) ids: one at or
 * below the last handled is a duplicate and is dropped. Ephemeral events carry the stream's
 * current position, which becomes the resume point too.
 */
export function createEventCursor() {
  let last: number | null = null;
  return {
    get lastEventId(): string | null {
      return last === null ? null : String(last);
    },
    /** Whether to handle `event` (false: a durable event already handled). */
    accept(id: string, event: ChatEvent): boolean {
      const n = Number(id);
      if (!Number.isFinite(n)) return !isDurable(event);
      if (isDurable(event)) {
        if (last !== null && n <= last) return false;
        last = n;
        return true;
      }
      if (last === null || n > last) last = n;
      return true;
    },
  };
}
