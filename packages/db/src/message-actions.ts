// The rules of the actions on messages and the shapes they read as, the same for every adapter:
// each adapter reads the facts in its own transaction and lets these functions judge and shape.
import { coversSeq } from './membership.ts';
import { ConversationRuleError, MessageActionError } from './store.ts';
import type {
  Conversation,
  Membership,
  MembershipPeriod,
  Message,
  MessageAction,
  Reaction,
  ReplyPreview,
} from './types.ts';

/** How much of its text a reply shows of the message it answers. */
export const PREVIEW_LENGTH = 200;
/** Who reacted, at most this many per emoji (the count is exact). */
export const REACTORS_SHOWN = 100;

/** What a store reads of a message that a reply answers. */
export interface Original {
  id: string;
  senderId: string;
  text: string;
  attachmentCount: number;
  deleted: boolean;
}

/** What a reply shows of the message it answers, as it is now. */
export function toReplyPreview(original: Original): ReplyPreview {
  return {
    messageId: original.id,
    senderId: original.senderId,
    text: original.deleted ? '' : original.text.slice(0, PREVIEW_LENGTH),
    attachmentCount: original.deleted ? 0 : original.attachmentCount,
    deleted: original.deleted,
  };
}

/**
 * What a new message shows of the one it answers, found in the same conversation (or null): a
 * text message within the sender's periods there.
 * @throws MessageActionError('not_found') otherwise
 */
export function replyPreviewFor(
  target: (Original & Pick<Message, 'kind' | 'seq'>) | null,
  senderPeriods: MembershipPeriod[],
): ReplyPreview {
  if (!target || target.kind !== 'text' || !coversSeq(senderPeriods, target.seq)) {
    throw new MessageActionError('not_found');
  }
  return toReplyPreview(target);
}

/** One person's reaction with one emoji to one message. */
export interface ReactionRow {
  messageId: string;
  emoji: string;
  userId: string;
}

/**
 * Reactions by message, from the rows in the order they were made: each emoji with its count and
 * its first reactors, most reactions first (on a tie, the emoji used first).
 */
export function groupReactions(rows: Iterable<ReactionRow>): Map<string, Reaction[]> {
  const byMessage = new Map<string, Map<string, Reaction>>();
  for (const row of rows) {
    let emojis = byMessage.get(row.messageId);
    if (!emojis) byMessage.set(row.messageId, (emojis = new Map()));
    let reaction = emojis.get(row.emoji);
    if (!reaction) emojis.set(row.emoji, (reaction = { emoji: row.emoji, count: 0, userIds: [] }));
    reaction.count += 1;
    if (reaction.userIds.length < REACTORS_SHOWN) reaction.userIds.push(row.userId);
  }
  return new Map(
    [...byMessage].map(([messageId, emojis]) => [
      messageId,
      // A stable sort: equal counts keep the order the emoji were first used in.
      [...emojis.values()].sort((a, b) => b.count - a.count),
    ]),
  );
}

/**
 * What an action on a message is judged on, read in the action's transaction (a message that
 * does not exist is `not_found` before there is anything to judge).
 */
export interface ActionFacts {
  message: Pick<Message, 'seq' | 'senderId' | 'kind' | 'createdAt' | 'deletedAt'>;
  /** The actor's membership of its conversation, current or past (null: they never belonged). */
  membership: Pick<Membership, 'role' | 'leftAt'> | null;
  /** The actor's periods in that conversation. */
  periods: MembershipPeriod[];
  /** The kind of that conversation (a group's admins may delete anyone's message). */
  conversationKind: Conversation['kind'];
}

type Visible = ActionFacts & { membership: NonNullable<ActionFacts['membership']> };

/** A message the actor could see at some time. @throws MessageActionError('not_found') */
export function requireVisible(facts: ActionFacts): asserts facts is Visible {
  if (!facts.membership || !coversSeq(facts.periods, facts.message.seq)) {
    throw new MessageActionError('not_found');
  }
}

/**
 * A message that may be acted on (edited, deleted, reacted to, pinned, forwarded): visible to
 * the actor, who is a member now, a text message, not deleted.
 * @throws MessageActionError, ConversationRuleError('not_member')
 */
export function requireActionable(facts: ActionFacts): asserts facts is Visible {
  requireVisible(facts);
  if (facts.membership.leftAt !== null) throw new ConversationRuleError('not_member');
  if (facts.message.kind !== 'text') throw new MessageActionError('system');
  if (facts.message.deletedAt !== null) throw new MessageActionError('deleted');
}

/**
 * Checks an action against the rules of `MessageActionStore.actOnMessage` but the reaction limit
 * (see `checkNewEmoji`): hiding needs only a visible message; the others an actionable one, and
 * for an edit the sender in time; for a deletion the sender in time, or a group's member of
 * `adminRoles` at any time.
 * @throws MessageActionError, ConversationRuleError
 */
export function checkAction(action: MessageAction, facts: ActionFacts): void {
  if (action.type === 'hide') return requireVisible(facts);
  requireActionable(facts);
  const { message, membership } = facts;
  const own = message.senderId === action.actorId;
  const inTime = (notBefore: Date) => message.createdAt.getTime() >= notBefore.getTime();
  if (action.type === 'edit') {
    if (!own) throw new MessageActionError('not_sender');
    if (!inTime(action.notBefore)) throw new MessageActionError('too_late');
  } else if (action.type === 'delete') {
    const asAdmin =
      facts.conversationKind === 'group' && action.adminRoles.includes(membership.role);
    if (!own && !asAdmin) throw new MessageActionError('not_sender');
    if (!asAdmin && !inTime(action.notBefore)) throw new MessageActionError('too_late');
  }
}

/**
 * A reaction may use an emoji the message has already, or a new one while it has fewer than
 * `maxEmoji` different ones. @throws MessageActionError('too_many_reactions')
 */
export function checkNewEmoji(present: readonly string[], emoji: string, maxEmoji: number): void {
  if (!present.includes(emoji) && present.length >= maxEmoji) {
    throw new MessageActionError('too_many_reactions');
  }
}
