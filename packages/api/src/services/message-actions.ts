import {
  ConversationRuleError,
  MessageActionError,
  type Message,
  type MessageAction,
  type Store,
} from '@parley/db';
import { AppError } from '../errors.ts';
import { mentionedUsernames } from '../mentions.ts';
import type { AttachmentsService } from './attachments.ts';
import { explainRule } from './conversation-rules.ts';
import type { EventHub } from './event-hub.ts';
import type { RateLimits } from './rate-limits.ts';

/** Different emoji one message may carry. */
export const MAX_REACTION_EMOJI = 20;

/** Forwards at once. */
export const MAX_FORWARD_TARGETS = 5;

export function createMessageActions(deps: {
  store: Store;
  hub: EventHub;
  limits: RateLimits;
  attachments: AttachmentsService;
  /** How long after sending a message its sender may edit or delete it (MESSAGE_EDIT_WINDOW_HOURS). */
  editWindowMs: number;
  now: () => Date;
}) {
  const { store, hub, limits, now } = deps;
  const window = spanOf(deps.editWindowMs);

  function explain(error: unknown, action: MessageAction['type'] | 'forward'): never {
    if (error instanceof ConversationRuleError) explainRule(error);
    if (!(error instanceof MessageActionError)) throw error;
    switch (error.reason) {
      case 'not_found':
        throw new AppError('NOT_FOUND', 'That message does not exist, or you cannot see it.');
      case 'not_sender':
        throw new AppError(
          'FORBIDDEN',
          action === 'delete'
            ? 'Only its sender, or an admin of the group, can delete a message for everyone.'
            : 'Only its sender can edit a message.',
        );
      case 'too_late':
        throw new AppError(
          'FORBIDDEN',
          window === null
            ? `Messages cannot be ${action === 'edit' ? 'edited' : 'deleted for everyone'} once sent on this server.`
            : `A message can be ${action === 'edit' ? 'edited' : 'deleted for everyone'} for ${window} after it was sent.`,
        );
      case 'deleted':
        throw new AppError('CONFLICT', 'That message was deleted.');
      case 'system':
        throw new AppError(
          'BAD_REQUEST',
          'That line records a change of the group: it cannot be changed.',
        );
      case 'too_many_reactions':
        throw new AppError(
          'CONFLICT',
          `A message can carry at most ${MAX_REACTION_EMOJI} different reactions.`,
        );
    }
  }

  async function act(action: MessageAction): Promise<Message> {
    await limits.consume('send', action.actorId, 'You are doing that too fast.');
    let result;
    try {
      result = await store.actOnMessage(action, now());
    } catch (error) {
      explain(error, action.type);
    }
    hub.publish(result.events);
    await deps.attachments.releaseFiles(result.releasedAttachmentIds);
    return result.message;
  }

  const notBefore = () => new Date(now().getTime() - deps.editWindowMs);

  return {
    /** How long after sending a message its sender may edit it or delete it for everyone. */
    editWindowMs: deps.editWindowMs,

    edit: (me: string, input: { messageId: string; text: string }) =>
      act({
        type: 'edit',
        messageId: input.messageId,
        actorId: me,
        text: input.text,
        mentionUsernames: mentionedUsernames(input.text),
        notBefore: notBefore(),
      }),

    /** For everyone (my message in time, or any in a group I administer), or only for me. */
    delete: (me: string, input: { messageId: string; forEveryone: boolean }) =>
      act(
        input.forEveryone
          ? {
              type: 'delete',
              messageId: input.messageId,
              actorId: me,
              notBefore: notBefore(),
              adminRoles: ['owner', 'admin'],
            }
          : { type: 'hide', messageId: input.messageId, actorId: me },
      ),

    react: (me: string, input: { messageId: string; emoji: string; on: boolean }) =>
      act({ type: 'react', ...input, actorId: me, maxEmoji: MAX_REACTION_EMOJI }),

    pin: (me: string, input: { messageId: string; pinned: boolean }) =>
      act({ type: 'pin', messageId: input.messageId, actorId: me, on: input.pinned }),

    async pinned(me: string, conversationId: string): Promise<Message[]> {
      const membership = await store.getMembership(conversationId, me);
      if (!membership) explainRule(new ConversationRuleError('not_found'));
      return store.listPinned(conversationId, me);
    },

    /** Copies of one of the messages I may see, into conversations I am in (idempotent). */
    async forward(
      me: string,
      input: { messageId: string; conversationIds: string[]; clientMessageId: string },
    ): Promise<Message[]> {
      await limits.consume('send', me, 'You are sending messages too fast.');
      let results;
      try {
        results = await store.forwardMessage({
          messageId: input.messageId,
          actorId: me,
          conversationIds: input.conversationIds,
          clientMessageIds: input.conversationIds.map((_, i) => `${input.clientMessageId}-${i}`),
          createdAt: now(),
        });
      } catch (error) {
        explain(error, 'forward');
      }
      hub.publish(results.flatMap((r) => r.events));
      return results.map((r) => r.message);
    },
  };
}

export type MessageActions = ReturnType<typeof createMessageActions>;

/** A window as people say it ("15 minutes", "48 hours"); null for none. */
export function spanOf(ms: number): string | null {
  if (ms <= 0) return null;
  const minutes = Math.round(ms / 60_000);
  if (minutes === 0) return 'less than a minute';
  const [n, unit] = minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
