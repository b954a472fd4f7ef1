import {
  ConversationRuleError,
  PinLimitError,
  type ConversationSettings,
  type Store,
} from '@parley/db';
import { AppError } from '../errors.ts';
import { isArchived, MUTE_DURATIONS_MS, MUTED_FOREVER } from '../organise.ts';
import { explainRule } from './conversation-rules.ts';
import { toViews, type ConversationView } from './conversation-views.ts';
import type { EventHub } from './event-hub.ts';
import type { RateLimits } from './rate-limits.ts';
import type { UsersService } from './users.ts';

/** Conversations one user may pin at once. */
export const MAX_PINNED = 10;

export interface OrganiseInput {
  conversationId: string;
  mute?: '8h' | '1w' | 'always' | null | undefined;
  pinned?: boolean | undefined;
  archived?: boolean | undefined;
  unread?: boolean | undefined;
}

/** How each user keeps their conversations: mute, pin, archive, mark unread; on all their devices. */
export function createOrganiseService(deps: {
  store: Store;
  hub: EventHub;
  limits: RateLimits;
  users: UsersService;
  now: () => Date;
}) {
  const { store, hub, limits, users, now } = deps;

  /** The fields to write: only those that change (pinning again keeps the place in the list). */
  function patchFor(
    input: OrganiseInput,
    current: ConversationSettings,
    lastMessageAt: Date | null,
    at: Date,
  ): Partial<ConversationSettings> {
    const patch: Partial<ConversationSettings> = {};
    if (input.mute !== undefined)
      patch.mutedUntil =
        input.mute === null
          ? null
          : input.mute === 'always'
            ? MUTED_FOREVER
            : new Date(at.getTime() + MUTE_DURATIONS_MS[input.mute]);
    if (input.pinned !== undefined && input.pinned !== (current.pinnedAt !== null))
      patch.pinnedAt = input.pinned ? at : null;
    if (input.archived !== undefined && input.archived !== isArchived(current, lastMessageAt, at))
      patch.archivedAt = input.archived ? at : null;
    if (input.unread !== undefined) patch.markedUnread = input.unread;
    return patch;
  }

  return {
    /** Changes how I keep a conversation (one I am or was in); my other devices follow. */
    async organise(me: string, input: OrganiseInput): Promise<ConversationView> {
      await limits.consume('send', me, 'You are doing that too fast.');
      const summary = await store.getConversationSummary(me, input.conversationId);
      if (!summary) explainRule(new ConversationRuleError('not_found'));
      const at = now();
      const patch = patchFor(input, summary.settings, summary.lastMessage?.createdAt ?? null, at);
      let result;
      try {
        result = await store.updateConversationSettings({
          userId: me,
          conversationId: input.conversationId,
          patch,
          maxPinned: MAX_PINNED,
          at,
        });
      } catch (error) {
        if (error instanceof PinLimitError)
          throw new AppError('CONFLICT', `You can pin at most ${MAX_PINNED} conversations.`);
        explainRule(error);
      }
      hub.publish(result.events);
      const [view] = await toViews(users, me, [{ ...summary, settings: result.settings }], at);
      return view!;
    },
  };
}

export type OrganiseService = ReturnType<typeof createOrganiseService>;
