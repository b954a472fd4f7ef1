import { conversationFace } from '../../conversations/preview.ts';
import type { Conversation } from '../../lib/protocol.ts';

/** How many conversations one forward reaches at most (as `chat.forward` accepts). */
export const FORWARD_LIMIT = 5;

/** The conversations I can write in whose name matches `query` (any part, any case), list order. */
export function forwardTargets(items: readonly Conversation[], query: string): Conversation[] {
  const q = query.trim().toLocaleLowerCase();
  return items.filter(
    (c) =>
      c.myRole !== null &&
      !c.closed &&
      (!q || conversationFace(c).displayName.toLocaleLowerCase().includes(q)),
  );
}
