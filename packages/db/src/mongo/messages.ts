import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongoose';
import { pairKey } from '../direct.ts';
import { uuidv7 } from '../ids.ts';
import { coversSeq } from '../membership.ts';
import { replyPreviewFor } from '../message-actions.ts';
import { sentFields, type MessageFields } from '../message-fields.ts';
import { ConversationRuleError } from '../store.ts';
import type {
  MembershipChange,
  Message,
  NewMessage,
  ReplyPreview,
  SendResult,
  StoredEvent,
} from '../types.ts';
import { claimAttachments } from './attachments.ts';
import type { Tx } from './events.ts';
import { ORIGINAL_FIELDS, toOriginal, type Hydrate, type OriginalDoc } from './hydrate.ts';
import { toMessageDoc } from './mappers.ts';
import {
  SHOWN_FIELDS,
  type ConversationDoc,
  type MemberDoc,
  type MessageDoc,
  type Models,
} from './models.ts';
import type { Periods } from './periods.ts';
import type { WriteOp } from './writer.ts';

/** A conversation document as a new one starts. */
export function newConversationDoc(
  fields: Pick<ConversationDoc, '_id' | 'kind' | 'createdAt'> & Partial<ConversationDoc>,
): ConversationDoc {
  return {
    title: null,
    avatarId: null,
    isPublic: false,
    createdBy: null,
    memberCount: 0,
    lastMessageAt: null,
    lastSeq: 0,
    closedAt: null,
    ...fields,
  };
}

/** A member as they join: everything before `caughtUp` counts as delivered and read. */
export function newMemberDoc(
  conversationId: string,
  userId: string,
  role: MemberDoc['role'],
  at: Date,
  caughtUp = 0,
): MemberDoc {
  return {
    conversationId,
    userId,
    role,
    joinedAt: at,
    leftAt: null,
    deliveredSeq: caughtUp,
    readSeq: caughtUp,
  };
}

/**
 * Stores a message as the conversation's next and appends its `message.new` event, inside the
 * caller's transaction. Returns the conversation as it is after.
 */
export async function writeMessage(
  models: Models,
  tx: Tx,
  conversationId: string,
  fields: MessageFields,
  opts: {
    /** Who the message makes a member, or ends the membership of (a system message, a new pair). */
    members?: MembershipChange | undefined;
    /** Members it is withheld from: hidden for them, its event kept from them. */
    withheldFrom?: string[] | undefined;
  } = {},
): Promise<{ message: Message; event: StoredEvent; conversation: ConversationDoc }> {
  const { Conversation, Member, Message } = models;
  const { session } = tx;
  const conversation = await Conversation.findOneAndUpdate(
    { _id: conversationId },
    { $inc: { lastSeq: 1 }, $set: { lastMessageAt: fields.createdAt } },
    { session, returnDocument: 'after' },
  ).lean();
  if (!conversation) throw new Error(`conversation ${conversationId} is missing`);
  const message: Message = {
    ...fields,
    conversationId,
    seq: conversation.lastSeq,
    editedAt: null,
    deletedAt: null,
    reactions: [],
    pinnedAt: null,
  };
  const withheld = [...new Set(opts.withheldFrom)];
  await Message.insertMany([toMessageDoc(message, withheld)], { session, lean: true });
  // The sender has seen their own message; but if they had not caught up with the messages
  // before it, moving them past those would mark unseen messages read.
  const caughtUp = (field: string) => ({
    $cond: [{ $gte: [`$${field}`, message.seq - 1] }, message.seq, `$${field}`],
  });
  await Member.updateOne(
    { conversationId, userId: message.senderId },
    [{ $set: { deliveredSeq: caughtUp('deliveredSeq'), readSeq: caughtUp('readSeq') } }],
    { session, updatePipeline: true },
  );
  const event = tx.append({ conversationId }, { type: 'message.new', message }, message.createdAt, {
    members: opts.members,
    except: withheld,
  });
  return { message, event, conversation };
}

/**
 * Usernames written as @name → the ids of those of them who are current members of the
 * conversation, the author excepted; inside the caller's transaction.
 */
export async function mentionedMembers(
  { Member, User }: Models,
  session: ClientSession,
  opts: { conversationId: string; usernames: string[]; authorId: string },
): Promise<string[]> {
  const usernames = [...new Set(opts.usernames.map((name) => name.toLowerCase()))];
  const users = await User.find({ username: { $in: usernames } }, { _id: 1 })
    .session(session)
    .lean();
  const candidates = users.map((user) => user._id).filter((id) => id !== opts.authorId);
  if (candidates.length === 0) return [];
  const members = await Member.find(
    { conversationId: opts.conversationId, userId: { $in: candidates }, leftAt: null },
    { userId: 1 },
  )
    .session(session)
    .lean();
  const current = new Set(members.map((member) => member.userId));
  return candidates.filter((id) => current.has(id));
}

export function messageMethods(models: Models, deps: { periods: Periods; hydrate: Hydrate }) {
  const { Conversation, Member, Message, User } = models;
  const { periods, hydrate } = deps;

  /** The sender's conversation, checked; `opened` when this send creates the direct conversation. */
  const conversationOf = async (
    session: ClientSession,
    msg: NewMessage,
  ): Promise<{ conversation: ConversationDoc; opened: string[] | null }> => {
    if (msg.recipientId !== undefined) {
      const key = pairKey(msg.senderId, msg.recipientId);
      const existing = await Conversation.findOne({ pairKey: key }).session(session).lean();
      if (existing) return { conversation: existing, opened: null };
      // No foreign keys here: the recipient is looked up.
      if (!(await User.exists({ _id: msg.recipientId }).session(session))) {
        throw new ConversationRuleError('unknown_user', msg.recipientId);
      }
      const conversation = newConversationDoc({
        _id: randomUUID(),
        kind: 'direct',
        pairKey: key,
        memberCount: 2,
        createdAt: msg.createdAt,
      });
      const opened = [msg.senderId, msg.recipientId];
      await Conversation.insertMany([conversation], { session, lean: true });
      await Member.insertMany(
        opened.map((userId) => newMemberDoc(conversation._id, userId, 'member', msg.createdAt)),
        { session, lean: true },
      );
      await models.Marks.insertMany([{ _id: conversation._id, marks: null, writes: 0 }], {
        session,
        lean: true,
      });
      return { conversation, opened };
    }
    const conversation = await Conversation.findById(msg.conversationId).session(session).lean();
    const member =
      conversation &&
      (await Member.findOne({ conversationId: conversation._id, userId: msg.senderId })
        .session(session)
        .lean());
    if (!conversation || !member) throw new ConversationRuleError('not_found');
    if (member.leftAt !== null) throw new ConversationRuleError('not_member');
    return { conversation, opened: null };
  };

  /** The message a reply answers: a text message of the conversation the sender may see. */
  const replyTarget = async (
    session: ClientSession,
    msg: NewMessage,
    conversationId: string,
  ): Promise<ReplyPreview | null> => {
    if (!msg.replyToId) return null;
    const target = await Message.findOne({ _id: msg.replyToId, conversationId }, ORIGINAL_FIELDS)
      .session(session)
      .lean<OriginalDoc>();
    return replyPreviewFor(
      target ? toOriginal(target) : null,
      await periods.ofMember(msg.senderId, conversationId, session),
    );
  };

  /** The idempotent send, as an op of the log's group commit (see `MessageStore.sendMessage`). */
  const sendOp =
    (msg: NewMessage): WriteOp<Tx, SendResult> =>
    async (tx) => {
      const { session } = tx;
      const existing = await Message.findOne(
        { senderId: msg.senderId, clientMessageId: msg.clientMessageId },
        SHOWN_FIELDS,
      )
        .session(session)
        .lean();
      if (existing) {
        const [message] = await hydrate([existing], session);
        return { message: message!, created: false, events: [] };
      }

      const { conversation, opened } = await conversationOf(session, msg);
      const replyTo = await replyTarget(session, msg, conversation._id);
      const id = uuidv7(msg.createdAt.getTime());
      const attachments = await claimAttachments(models, session, {
        ids: msg.attachmentIds,
        ownerId: msg.senderId,
        messageId: id,
        conversationId: conversation._id,
      });
      const mentions =
        conversation.kind === 'group' && msg.mentionUsernames.length > 0
          ? await mentionedMembers(models, session, {
              conversationId: conversation._id,
              usernames: msg.mentionUsernames,
              authorId: msg.senderId,
            })
          : [];
      const { message, event } = await writeMessage(
        models,
        tx,
        conversation._id,
        sentFields(msg, { id, attachments, mentions, replyTo }),
        {
          members: opened ? { joined: opened, left: [] } : undefined,
          withheldFrom: msg.withheldFrom,
        },
      );
      for (const userId of opened ?? [])
        await periods.open(session, userId, conversation._id, {
          eventId: event.id,
          seq: message.seq,
        });
      return { message, created: true, events: [event] };
    };

  /**
   * Up to `limit` messages the user may see on one side of `from`, walking their periods,
   * without those they hid.
   */
  const visible = async (
    opts: { conversationId: string; userId: string; limit: number },
    direction: 'before' | 'after',
    from: number,
  ): Promise<Message[]> => {
    const spans = await periods.ofMember(opts.userId, opts.conversationId);
    if (direction === 'before') spans.reverse();
    const found: MessageDoc[] = [];
    for (const span of spans) {
      const remaining = opts.limit - found.length;
      if (remaining <= 0) break;
      const to = span.toSeq ?? Number.MAX_SAFE_INTEGER;
      const seq =
        direction === 'before'
          ? { $lt: Math.min(from, to + 1), $gte: span.fromSeq }
          : { $gt: Math.max(from, span.fromSeq - 1), $lte: to };
      const docs = await Message.find(
        { conversationId: opts.conversationId, seq, hiddenFor: { $nin: [opts.userId] } },
        SHOWN_FIELDS,
      )
        .sort({ seq: direction === 'before' ? -1 : 1 })
        .limit(remaining)
        .lean();
      found.push(...docs);
    }
    if (direction === 'before') found.reverse();
    return hydrate(found);
  };

  return {
    sendOp,

    async getMessage(id: string): Promise<Message | null> {
      const doc = await Message.findById(id, SHOWN_FIELDS).lean();
      return doc ? ((await hydrate([doc]))[0] ?? null) : null;
    },

    async getMessageByClientId(senderId: string, clientMessageId: string) {
      const doc = await Message.findOne({ senderId, clientMessageId }, SHOWN_FIELDS).lean();
      return doc ? ((await hydrate([doc]))[0] ?? null) : null;
    },

    async listMessages(opts: {
      conversationId: string;
      userId: string;
      beforeSeq?: number | null;
      afterSeq?: number | null;
      limit: number;
    }): Promise<Message[]> {
      const { conversationId, userId, beforeSeq, afterSeq, limit } = opts;
      if (limit <= 0) return [];
      const within = { conversationId, userId, limit };
      if (afterSeq !== null && afterSeq !== undefined) return visible(within, 'after', afterSeq);
      return visible(within, 'before', beforeSeq ?? Number.MAX_SAFE_INTEGER);
    },

    async canSeeMessage(userId: string, conversationId: string, seq: number) {
      return coversSeq(await periods.ofMember(userId, conversationId), seq);
    },
  };
}
