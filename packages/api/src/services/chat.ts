import type { Bus } from '@parley/bus';
import type { Conversation, Message, StoredEvent, Store } from '@parley/db';
import { AppError } from '../errors.ts';
import { userTopic, type UserBusMessage } from '../events.ts';
import type { AttachmentsService } from './attachments.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Typing } from './typing.ts';
import type { UsersService } from './users.ts';

export function createChatService(deps: {
  store: Store;
  bus: Bus;
  limits: RateLimits;
  users: UsersService;
  typing: Typing;
  attachments: AttachmentsService;
  now: () => Date;
  onError: (error: unknown) => void;
}) {
  const { store, bus, limits, users, attachments, now } = deps;

  /** The events are committed: a failed fan-out is logged, and recipients catch up by replay. */
  async function publish(events: StoredEvent[]): Promise<void> {
    await Promise.all(
      events.map((e) =>
        bus
          .publish(userTopic(e.userId), { id: e.id, data: e.data } satisfies UserBusMessage)
          .catch(deps.onError),
      ),
    );
  }

  async function requireConversation(me: string, withUserId: string): Promise<Conversation> {
    const conversation = await store.findDirectConversation(me, withUserId);
    if (!conversation) throw new AppError('NOT_FOUND', 'You have no conversation with that user.');
    return conversation;
  }

  async function requireMessageIn(conversation: Conversation, messageId: string): Promise<Message> {
    const message = await store.getMessage(messageId);
    if (!message || message.conversationId !== conversation.id) {
      throw new AppError('BAD_REQUEST', 'That message is not part of this conversation.');
    }
    return message;
  }

  async function receipt(
    kind: 'markDelivered' | 'markRead',
    me: string,
    input: { withUserId: string; upTo: string },
  ) {
    const conversation = await requireConversation(me, input.withUserId);
    const message = await requireMessageIn(conversation, input.upTo);
    const result = await store[kind]({
      conversationId: conversation.id,
      userId: me,
      upToSeq: message.seq,
      at: now(),
    });
    await publish(result.events);
    return result.state;
  }

  return {
    /**
     * Stores the message, then fans it out; a retry with the same clientMessageId returns the
     * original. Each attachment must be an upload of mine not used yet: the message claims it.
     */
    async send(
      me: string,
      input: {
        to: string;
        text?: string | undefined;
        attachmentIds?: string[] | undefined;
        clientMessageId: string;
      },
    ): Promise<Message> {
      if (input.to === me)
        throw new AppError('BAD_REQUEST', 'You cannot send a message to yourself.');
      await limits.consume('send', me, 'You are sending messages too fast.');
      await users.requireExists(input.to);
      let result;
      try {
        result = await store.sendMessage({
          senderId: me,
          recipientIds: [input.to],
          text: input.text ?? '',
          attachmentIds: input.attachmentIds ?? [],
          clientMessageId: input.clientMessageId,
          createdAt: now(),
        });
      } catch (error) {
        // The same send, retried at once, may have claimed the attachments first.
        const original = await store.getMessageByClientId(me, input.clientMessageId);
        if (original) return original;
        return attachments.explain(me, error);
      }
      // A retry (the same clientMessageId) gets the stored original; its events went out then.
      if (result.created) {
        deps.typing.stopped(me, input.to);
        await publish(result.events);
      }
      return result.message;
    },

    async history(
      me: string,
      input: { withUserId: string; before?: string | null | undefined; limit: number },
    ) {
      const conversation = await store.findDirectConversation(me, input.withUserId);
      if (!conversation) return { items: [] as Message[], nextCursor: null };
      const beforeSeq = input.before
        ? (await requireMessageIn(conversation, input.before)).seq
        : null;
      const page = await store.listMessages({
        conversationId: conversation.id,
        beforeSeq,
        limit: input.limit + 1,
      });
      const items = page.slice(0, input.limit);
      const last = items.at(-1);
      return { items, nextCursor: page.length > input.limit && last ? last.id : null };
    },

    async conversations(me: string, page: { limit: number; cursor?: string | null | undefined }) {
      const result = await store.listConversations({
        userId: me,
        limit: page.limit,
        cursor: page.cursor ?? null,
      });
      const peerIds = result.items.map(
        (s) => s.conversation.memberIds.find((id) => id !== me) ?? me,
      );
      const peers = new Map(
        (await users.withPresence(await store.getUsers(peerIds))).map((u) => [u.id, u] as const),
      );
      const items = result.items.flatMap((summary, i) => {
        const peer = peers.get(peerIds[i] ?? '');
        if (!peer) return [];
        const mine = summary.members.find((m) => m.userId === me);
        const theirs = summary.members.find((m) => m.userId === peer.id);
        return [
          {
            id: summary.conversation.id,
            peer,
            lastMessage: summary.lastMessage,
            lastMessageAt: summary.conversation.lastMessageAt,
            unreadCount: summary.unreadCount,
            myReadSeq: mine?.readSeq ?? 0,
            peerDeliveredSeq: theirs?.deliveredSeq ?? 0,
            peerReadSeq: theirs?.readSeq ?? 0,
          },
        ];
      });
      return { items, nextCursor: result.nextCursor };
    },

    /** The recipient's client received every message up to `upTo`. */
    ackDelivered: (me: string, input: { withUserId: string; upTo: string }) =>
      receipt('markDelivered', me, input),

    markRead: (me: string, input: { withUserId: string; upTo: string }) =>
      receipt('markRead', me, input),

    async typing(me: string, input: { to: string; isTyping: boolean }): Promise<void> {
      if (input.to === me) throw new AppError('BAD_REQUEST', 'You cannot type to yourself.');
      await limits.consume('typing', me, 'Too many typing updates.');
      await users.requireExists(input.to);
      if (input.isTyping) deps.typing.started(me, input.to);
      else deps.typing.stopped(me, input.to);
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
