import { trpc } from '../lib/trpc.ts';
import { useNow } from '../lib/useNow.ts';
import { CONVERSATIONS_INPUT } from '../realtime/engine.ts';
import { unreadTotal } from './organise.ts';

/** My conversation list (kept live by the engine) and its unread total (muted ones aside). */
export function useConversations() {
  const query = trpc.chat.conversations.useQuery(CONVERSATIONS_INPUT);
  const now = useNow(60_000);
  const items = query.data?.items ?? [];
  return { query, items, total: unreadTotal(items, now) };
}

/** One conversation: from the live list, or asked for when the list does not hold it. */
export function useConversation(conversationId: string) {
  const { query, items } = useConversations();
  const listed = items.find((c) => c.id === conversationId) ?? null;
  const single = trpc.chat.conversation.useQuery(
    { conversationId },
    { enabled: !listed && query.isSuccess },
  );
  return {
    conversation: listed ?? single.data ?? null,
    isPending: !listed && (query.isPending || single.isPending),
    error: listed ? null : single.error,
  };
}

/** My direct conversation with a person, if we have one. */
export function useDirectWith(userId: string) {
  const { query, items } = useConversations();
  return {
    conversation: items.find((c) => c.kind === 'direct' && c.peer?.id === userId) ?? null,
    isPending: query.isPending,
  };
}
