/** A message position: its id for the server, its seq for comparing. */
export interface Position {
  id: string;
  seq: number;
}

/**
 * Sends "delivered up to" or "read up to" per conversation: coalesced (a burst of messages is
 * one call, for the newest), never backwards, and sent again after a failure.
 */
export function createPositionSender(
  send: (conversationId: string, upTo: Position) => Promise<unknown>,
  defer: (fn: () => void) => void = (fn) => setTimeout(fn, 50),
) {
  const sent = new Map<string, number>();
  const pending = new Map<string, Position>();
  let scheduled = false;

  function flush() {
    scheduled = false;
    for (const [conversationId, position] of pending) {
      pending.delete(conversationId);
      sent.set(conversationId, Math.max(sent.get(conversationId) ?? 0, position.seq));
      send(conversationId, position).catch(() => {
        if (sent.get(conversationId) === position.seq) sent.delete(conversationId);
      });
    }
  }

  return {
    /** Moves the position forward to `position` (no-op when it is there already). */
    advance(conversationId: string, position: Position): boolean {
      if ((sent.get(conversationId) ?? 0) >= position.seq) return false;
      const queued = pending.get(conversationId);
      if (queued && queued.seq >= position.seq) return false;
      pending.set(conversationId, position);
      if (!scheduled) {
        scheduled = true;
        defer(flush);
      }
      return true;
    },
  };
}
