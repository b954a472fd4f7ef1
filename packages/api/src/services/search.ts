import { ConversationRuleError, type SearchHit, type Store } from '@parley/db';
import { explainRule } from './conversation-rules.ts';
import type { RateLimits } from './rate-limits.ts';
import type { UsersService } from './users.ts';

/** One result of `chat.search`: the message, its snippet, and who sent it. */
export interface SearchResult extends SearchHit {
  sender: { id: string; displayName: string } | null;
}

export interface SearchPage {
  /** Best first. */
  items: SearchResult[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

export function createSearchService(deps: {
  store: Store;
  limits: RateLimits;
  users: UsersService;
}) {
  const { store, limits, users } = deps;

  return {
    /** Messages I may read that match `q`, ranked, with snippets; in one conversation or all. */
    async search(
      me: string,
      input: { q: string; conversationId?: string | null; cursor?: string | null; limit: number },
    ): Promise<SearchPage> {
      await limits.consume('search', me, 'You are searching too fast.');
      if (input.conversationId && !(await store.getMembership(input.conversationId, me)))
        explainRule(new ConversationRuleError('not_found'));
      const page = await store.searchMessages({
        userId: me,
        query: input.q,
        conversationId: input.conversationId ?? null,
        cursor: input.cursor ?? null,
        limit: input.limit,
      });
      const senders = new Map(
        (
          await users.get(
            me,
            page.items.map((hit) => hit.message.senderId),
          )
        ).map((u) => [u.id, u]),
      );
      return {
        items: page.items.map((hit) => {
          const sender = senders.get(hit.message.senderId);
          return {
            ...hit,
            sender: sender ? { id: sender.id, displayName: sender.displayName } : null,
          };
        }),
        nextCursor: page.nextCursor,
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
