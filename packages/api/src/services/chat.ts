import {
  ConversationRuleError,
  MessageActionError,
  type Conversation,
  type Membership,
  type Message,
  type Store,
} from '@parley/db';
import { AppError } from '../errors.ts';
import { mentionedUsernames } from '../mentions.ts';
import type { AttachmentsService } from './attachments.ts';
import { explainRule } from './conversation-rules.ts';
import { toViews, type ConversationView } from './conversation-views.ts';
import type { EventHub } from './event-hub.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Typing } from './typing.ts';
import type { PublicUser, UsersService } from './users.ts';

/** Where a history page starts: before or after a message (by seq), opaque to clients. */
const CURSOR = /^([ba]):(\d{1,15})$/;

export interface HistoryPage {
  /** Oldest first. */
  items: Message[];
  /** Pass as `cursor` for the page before `items` (older); null at the beginning. */
  olderCursor: string | null;
  /** Pass as `cursor` for the page after `items` (newer); null at the newest message. */
  newerCursor: string | null;
}

export interface MessageInfo {
  messageId: string;
  /** Every member who could see the message (its sender aside), with when they had and read it. */
  members: { user: PublicUser; deliveredAt: Date | null; readAt: Date | null }[];
}

type SendTarget =
  { conversationId: string; to?: undefined } | { to: string; conversationId?: undefined };

export function createChatService(deps: {
  store: Store;
  hub: EventHub;
  limits: RateLimits;
  users: UsersService;
  typing: Typing;
  attachments: AttachmentsService;
  now: () => Date;
}) {
  const { store, hub, limits, users, attachments, now } = deps;

  /** The conversation and my membership of it (current or past), or NOT_FOUND. */
  async function requireMembership(
    me: string,
    conversationId: string,
  ): Promise<{ conversation: Conversation; membership: Membership }> {
    const [conversation, membership] = await Promise.all([
      store.getConversation(conversationId),
      store.getMembership(conversationId, me),
    ]);
    if (!conversation || !membership) explainRule(new ConversationRuleError('not_found'));
    return { conversation, membership };
  }

  async function requireCurrent(me: string, conversationId: string) {
    const found = await requireMembership(me, conversationId);
    if (found.membership.leftAt !== null) explainRule(new ConversationRuleError('not_member'));
    return found;
  }

  /** A message of the conversation that I may see, or BAD_REQUEST. */
  async function requireVisible(
    me: string,
    conversationId: string,
    messageId: string,
  ): Promise<Message> {
    const message = await store.getMessage(messageId);
    if (
      !message ||
      message.conversationId !== conversationId ||
      !(await store.canSeeMessage(me, conversationId, message.seq))
    ) {
      throw new AppError('BAD_REQUEST', 'That message is not part of this conversation.');
    }
    return message;
  }

  const peers = directPeers(store);

  /**
   * For a message to `peer` (in our direct conversation): refused when I blocked them, withheld
   * from them when they blocked me (to me it looks sent, not delivered); nothing for groups.
   */
  async function blockedFor(me: string, peer: string | null): Promise<string[] | null> {
    if (peer === null) return null;
    const { blocked, blockedBy } = await store.blockRelations(me, [peer]);
    if (blocked.length > 0)
      throw new AppError('FORBIDDEN', 'You blocked this person: unblock them to send a message.');
    return blockedBy.length > 0 ? blockedBy : null;
  }

  async function receipt(
    kind: 'markDelivered' | 'markRead',
    me: string,
    input: { conversationId: string; upTo: string },
  ) {
    await requireMembership(me, input.conversationId);
    const message = await requireVisible(me, input.conversationId, input.upTo);
    let result;
    try {
      result = await store[kind]({
        conversationId: input.conversationId,
        userId: me,
        upToSeq: message.seq,
        at: now(),
      });
    } catch (error) {
      explainRule(error);
    }
    hub.publish(result.events);
    return { deliveredSeq: result.membership.deliveredSeq, readSeq: result.membership.readSeq };
  }

  /** The message a page is centred on: one I name, or my first unread one (none: all read). */
  async function anchorOf(
    me: string,
    conversationId: string,
    around: string,
  ): Promise<Message | null> {
    if (around !== 'unread') return requireVisible(me, conversationId, around);
    const { membership } = await requireMembership(me, conversationId);
    const [first] = await store.listMessages({
      conversationId,
      userId: me,
      afterSeq: membership.readSeq,
      limit: 1,
    });
    return first ?? null;
  }

  async function history(
    me: string,
    conversationId: string,
    page: { cursor?: string | null | undefined; around?: string | null | undefined; limit: number },
  ): Promise<HistoryPage> {
    const list = (opts: { beforeSeq?: number; afterSeq?: number; limit: number }) =>
      store.listMessages({ conversationId, userId: me, ...opts });
    const hasAfter = async (seq: number) => (await list({ afterSeq: seq, limit: 1 })).length > 0;
    const hasBefore = async (seq: number) => (await list({ beforeSeq: seq, limit: 1 })).length > 0;
    const { limit } = page;

    let items: Message[];
    let older: boolean;
    let newer: boolean;
    const cursor = page.cursor ? CURSOR.exec(page.cursor) : null;
    if (page.cursor && !cursor)
      throw new AppError('BAD_REQUEST', 'That cursor is not one we gave you.');
    const anchor = page.around ? await anchorOf(me, conversationId, page.around) : null;
    if (anchor) {
      const half = Math.floor(limit / 2);
      const before = await list({ beforeSeq: anchor.seq, limit: half + 1 });
      const after = await list({ afterSeq: anchor.seq - 1, limit: limit - half + 1 });
      older = before.length > half;
      newer = after.length > limit - half;
      items = [...before.slice(older ? 1 : 0), ...after.slice(0, limit - half)];
    } else if (cursor?.[1] === 'a') {
      const rows = await list({ afterSeq: Number(cursor[2]), limit: limit + 1 });
      newer = rows.length > limit;
      items = rows.slice(0, limit);
      older = items.length > 0 && (await hasBefore(items[0]!.seq));
    } else {
      const beforeSeq = cursor ? Number(cursor[2]) : undefined;
      const rows = await list({ ...(beforeSeq ? { beforeSeq } : {}), limit: limit + 1 });
      older = rows.length > limit;
      items = rows.slice(older ? 1 : 0);
      newer = beforeSeq !== undefined && items.length > 0 && (await hasAfter(items.at(-1)!.seq));
    }
    const first = items[0];
    const last = items.at(-1);
    return {
      items,
      olderCursor: older && first ? `b:${first.seq}` : null,
      newerCursor: newer && last ? `a:${last.seq}` : null,
    };
  }

  return {
    /**
     * Stores the message, then fans it out; a retry with the same clientMessageId returns the
     * original. Each attachment must be an upload of mine not used yet: the message claims it.
     */
    async send(
      me: string,
      input: SendTarget & {
        text?: string | undefined;
        attachmentIds?: string[] | undefined;
        replyTo?: string | undefined;
        clientMessageId: string;
      },
    ): Promise<Message> {
      if (input.to === me)
        throw new AppError('BAD_REQUEST', 'You cannot send a message to yourself.');
      await limits.consume('send', me, 'You are sending messages too fast.');
      if (input.to !== undefined) await users.requireExists(input.to);
      const withheldFrom = await blockedFor(
        me,
        input.to ?? (await peers.of(me, input.conversationId!)),
      );
      const text = input.text ?? '';
      let result;
      try {
        result = await store.sendMessage({
          ...(input.to !== undefined
            ? { recipientId: input.to }
            : { conversationId: input.conversationId }),
          senderId: me,
          text,
          attachmentIds: input.attachmentIds ?? [],
          mentionUsernames: mentionedUsernames(text),
          clientMessageId: input.clientMessageId,
          createdAt: now(),
          replyToId: input.replyTo ?? null,
          ...(withheldFrom ? { withheldFrom } : {}),
        });
      } catch (error) {
        // The same send, retried at once, may have claimed the attachments first.
        const original = await store.getMessageByClientId(me, input.clientMessageId);
        if (original) return original;
        if (error instanceof ConversationRuleError) explainRule(error);
        if (error instanceof MessageActionError)
          throw new AppError(
            'BAD_REQUEST',
            'The message you reply to is not one of this conversation.',
          );
        return attachments.explain(me, error);
      }
      // A retry (the same clientMessageId) gets the stored original; its events went out then.
      if (result.created) {
        hub.publish(result.events);
        deps.typing.stopped(me, result.message.conversationId);
      }
      return result.message;
    },

    history: (
      me: string,
      input: {
        conversationId: string;
        cursor?: string | null | undefined;
        around?: string | null | undefined;
        limit: number;
      },
    ) =>
      requireMembership(me, input.conversationId).then(() =>
        history(me, input.conversationId, input),
      ),

    async conversations(me: string, page: { limit: number; cursor?: string | null | undefined }) {
      const result = await store.listConversations({
        userId: me,
        limit: page.limit,
        cursor: page.cursor ?? null,
      });
      // A direct conversation I see nothing of (its messages were withheld from me) is not listed.
      const shown = result.items.filter((s) => s.conversation.kind === 'group' || s.lastMessage);
      return { items: await toViews(users, me, shown, now()), nextCursor: result.nextCursor };
    },

    async conversation(me: string, conversationId: string): Promise<ConversationView> {
      const summary = await store.getConversationSummary(me, conversationId);
      if (!summary) explainRule(new ConversationRuleError('not_found'));
      const [view] = await toViews(users, me, [summary], now());
      return view!;
    },

    /** My client received every message up to `upTo`. */
    ackDelivered: (me: string, input: { conversationId: string; upTo: string }) =>
      receipt('markDelivered', me, input),

    markRead: (me: string, input: { conversationId: string; upTo: string }) =>
      receipt('markRead', me, input),

    async typing(me: string, input: { conversationId: string; isTyping: boolean }): Promise<void> {
      await limits.consume('typing', me, 'Too many typing updates.');
      await requireCurrent(me, input.conversationId);
      if (!input.isTyping) return deps.typing.stopped(me, input.conversationId);
      // Nobody who blocked me sees me typing.
      const members = await store.listMembers({
        conversationId: input.conversationId,
        limit: 1000,
      });
      const others = members.items.map((m) => m.userId).filter((id) => id !== me);
      const { blockedBy } = await store.blockRelations(me, others);
      deps.typing.started(me, input.conversationId, blockedBy);
    },

    /** Who one of my messages reached and who read it, and when. */
    async messageInfo(me: string, input: { messageId: string }): Promise<MessageInfo> {
      const message = await store.getMessage(input.messageId);
      if (!message || !(await store.canSeeMessage(me, message.conversationId, message.seq))) {
        throw new AppError('NOT_FOUND', 'No such message.');
      }
      if (message.senderId !== me || message.kind !== 'text') {
        throw new AppError('FORBIDDEN', 'You can see who received your own messages only.');
      }
      const receipts = await store.listMessageReceipts({
        conversationId: message.conversationId,
        seq: message.seq,
        senderId: me,
      });
      const people = new Map(
        (
          await users.get(
            me,
            receipts.map((r) => r.userId),
          )
        ).map((u) => [u.id, u]),
      );
      return {
        messageId: message.id,
        members: receipts.flatMap((r) => {
          const user = people.get(r.userId);
          return user ? [{ user, deliveredAt: r.deliveredAt, readAt: r.readAt }] : [];
        }),
      };
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;

/** The other member of a direct conversation (null for a group), remembered: members never change. */
function directPeers(store: Store) {
  const pairs = new Map<string, string[] | null>();
  return {
    async of(me: string, conversationId: string): Promise<string | null> {
      let pair = pairs.get(conversationId);
      if (pair === undefined) {
        const conversation = await store.getConversation(conversationId);
        if (!conversation) return null;
        pair =
          conversation.kind === 'direct'
            ? (await store.listMembers({ conversationId, limit: 2 })).items.map((m) => m.userId)
            : null;
        if (pairs.size > 100_000) pairs.clear();
        pairs.set(conversationId, pair);
      }
      return pair?.find((id) => id !== me) ?? null;
    },
  };
}
