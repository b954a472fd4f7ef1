/**
 * What the events of message actions change in the caches, pure: an edit or a deletion for
 * everyone replaces the message (and what replies quote of it, and the list's preview), a
 * reaction or a pin patches it, a deletion for me drops it.
 */
import { mapMessages, type HistoryData } from '../messages/history.ts';
import { quoteOf } from '../messages/actions/quote.ts';
import { applyReaction } from '../messages/actions/reactions.ts';
import type { ChatEvent, ConversationsPage, Message } from '../lib/protocol.ts';
import { NO_CHANGES, type CacheChanges, type CacheContext, type Caches } from './cache-events.ts';

export type ActionEvent = Extract<
  ChatEvent,
  {
    type:
      | 'message.edited'
      | 'message.deleted'
      | 'reaction.added'
      | 'reaction.removed'
      | 'message.pinned'
      | 'message.unpinned'
      | 'message.hidden';
  }
>;

const ACTION_TYPES = new Set<ChatEvent['type']>([
  'message.edited',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'message.pinned',
  'message.unpinned',
  'message.hidden',
]);

export const isActionEvent = (event: ChatEvent): event is ActionEvent =>
  ACTION_TYPES.has(event.type);

function historyChange(
  caches: Caches,
  conversationId: string,
  fn: (m: Message) => Message | null,
): Pick<CacheChanges, 'history'> {
  const before: HistoryData | undefined = caches.history(conversationId);
  const after = mapMessages(before, fn);
  return after && after !== before ? { history: { conversationId, data: after } } : {};
}

/** The list with the conversation's preview following its last message's new state. */
function listChange(
  page: ConversationsPage | undefined,
  m: Message,
): Pick<CacheChanges, 'conversations'> {
  if (!page?.items.some((c) => c.id === m.conversationId && c.lastMessage?.id === m.id)) return {};
  return {
    conversations: {
      ...page,
      items: page.items.map((c) => (c.id === m.conversationId ? { ...c, lastMessage: m } : c)),
    },
  };
}

/** An edit or a deletion for everyone: the message as it is now. */
function onChanged(caches: Caches, m: Message): CacheChanges {
  const quote = quoteOf({ ...m, deleted: m.deletedAt !== null });
  return {
    ...NO_CHANGES,
    ...historyChange(caches, m.conversationId, (x) =>
      x.id === m.id ? m : x.replyTo?.messageId === m.id ? { ...x, replyTo: quote } : x,
    ),
    ...listChange(caches.conversations, m),
    ...(m.pinnedAt !== null || m.deletedAt !== null ? { pinnedChanged: m.conversationId } : {}),
  };
}

export function applyActionEvent(
  caches: Caches,
  event: ActionEvent,
  ctx: CacheContext,
): CacheChanges {
  switch (event.type) {
    case 'message.edited':
    case 'message.deleted':
      return onChanged(caches, event.message);
    case 'reaction.added':
    case 'reaction.removed': {
      const on = event.type === 'reaction.added';
      return {
        ...NO_CHANGES,
        ...historyChange(caches, event.conversationId, (m) =>
          m.id === event.messageId
            ? { ...m, reactions: applyReaction(m.reactions, { ...event, on }) }
            : m,
        ),
      };
    }
    case 'message.pinned':
    case 'message.unpinned': {
      const pinnedAt = event.type === 'message.pinned' ? ctx.now() : null;
      return {
        ...NO_CHANGES,
        ...historyChange(caches, event.conversationId, (m) =>
          m.id === event.messageId ? { ...m, pinnedAt } : m,
        ),
        pinnedChanged: event.conversationId,
      };
    }
    case 'message.hidden': {
      const last = caches.conversations?.items.find(
        (c) => c.id === event.conversationId,
      )?.lastMessage;
      return {
        ...NO_CHANGES,
        ...historyChange(caches, event.conversationId, (m) =>
          m.id === event.messageId ? null : m,
        ),
        refetchConversations: last?.id === event.messageId,
        pinnedChanged: event.conversationId,
      };
    }
  }
}
