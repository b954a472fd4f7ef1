import type { ClientSession } from 'mongoose';
import { uuidv7 } from '../ids.ts';
import { coversSeq } from '../membership.ts';
import {
  checkAction,
  checkNewEmoji,
  requireActionable,
  type ActionFacts,
} from '../message-actions.ts';
import { forwardedFields } from '../message-fields.ts';
import { ConversationRuleError, MessageActionError } from '../store.ts';
import type {
  ForwardInput,
  Message,
  MessageAction,
  MessageActionResult,
  SendResult,
} from '../types.ts';
import { copyAttachments } from './attachments.ts';
import type { Tx } from './events.ts';
import type { Hydrate } from './hydrate.ts';
import { mentionedMembers, writeMessage } from './messages.ts';
import { PINNED, SHOWN_FIELDS, type MessageDoc, type Models } from './models.ts';
import type { Periods } from './periods.ts';
import type { WriteOp } from './writer.ts';

/** What deleting a message for everyone leaves of it (a new object each time: mongoose casts it). */
function tombstone(at: Date) {
  return {
    text: '',
    attachmentIds: [],
    attachments: [],
    mentions: [],
    pinnedAt: null,
    deletedAt: at,
  };
}

/**
 * Edits, deletions, reactions, pins and forwards, as ops of the log's group commit (each reads
 * what it is judged on and writes in the same transaction), and the reads that go with them.
 */
export function actionMethods(models: Models, deps: { periods: Periods; hydrate: Hydrate }) {
  const { Attachment, Conversation, Member, Message, Reaction } = models;
  const { periods, hydrate } = deps;

  /** The message and what an action on it by `actorId` is judged on (see message-actions.ts). */
  const judge = async (session: ClientSession, messageId: string, actorId: string) => {
    const doc = await Message.findById(messageId, SHOWN_FIELDS).session(session).lean();
    if (!doc) throw new MessageActionError('not_found');
    const { conversationId } = doc;
    const membership = await Member.findOne(
      { conversationId, userId: actorId },
      { role: 1, leftAt: 1 },
    )
      .session(session)
      .lean();
    const conversation = await Conversation.findById(conversationId, { kind: 1 })
      .session(session)
      .lean();
    if (!conversation) throw new Error(`conversation ${conversationId} is missing`);
    const facts: ActionFacts = {
      message: {
        seq: doc.seq,
        senderId: doc.senderId,
        kind: doc.kind ?? 'text',
        createdAt: doc.createdAt,
        deletedAt: doc.deletedAt ?? null,
      },
      membership,
      periods: membership ? await periods.ofMember(actorId, conversationId, session) : [],
      conversationKind: conversation.kind,
    };
    return { doc, facts };
  };

  /** The message as it is now in the transaction. */
  const current = async (session: ClientSession, doc: MessageDoc): Promise<Message> =>
    (await hydrate([doc], session))[0]!;

  /** Writes what the action does to the message it was judged on (see `actionOp`). */
  const apply = async (
    tx: Tx,
    action: MessageAction,
    doc: MessageDoc,
    facts: ActionFacts,
    at: Date,
  ): Promise<MessageActionResult> => {
    const { session } = tx;
    const { conversationId } = doc;
    const messageId = doc._id;
    const unchanged = { changed: false, events: [], releasedAttachmentIds: [] };
    switch (action.type) {
      case 'hide': {
        const { modifiedCount } = await Message.updateOne(
          { _id: messageId, hiddenFor: { $nin: [action.actorId] } },
          { $addToSet: { hiddenFor: action.actorId } },
          { session },
        );
        const message = await current(session, doc);
        if (modifiedCount === 0) return { message, ...unchanged };
        const data = { type: 'message.hidden' as const, conversationId, messageId };
        const event = tx.append({ userId: action.actorId }, data, at);
        return { message, changed: true, events: [event], releasedAttachmentIds: [] };
      }
      case 'edit': {
        const mentions =
          facts.conversationKind === 'group' && action.mentionUsernames.length > 0
            ? await mentionedMembers(models, session, {
                conversationId,
                usernames: action.mentionUsernames,
                authorId: action.actorId,
              })
            : [];
        const edited = await Message.findOneAndUpdate(
          { _id: messageId },
          { $set: { text: action.text, mentions, editedAt: at } },
          { session, returnDocument: 'after', projection: SHOWN_FIELDS },
        ).lean();
        const message = await current(session, edited!);
        const event = tx.append({ conversationId }, { type: 'message.edited', message }, at);
        return { message, changed: true, events: [event], releasedAttachmentIds: [] };
      }
      case 'delete': {
        const files = await Attachment.find({ messageId }, { blobId: 1 }).session(session).lean();
        const position = (id: string) => doc.attachmentIds.indexOf(id);
        const released = files
          .sort((a, b) => position(a._id) - position(b._id))
          .map((file) => file.blobId ?? file._id);
        await Attachment.deleteMany({ messageId }, { session });
        await Reaction.deleteMany({ messageId }, { session });
        const deleted = await Message.findOneAndUpdate(
          { _id: messageId },
          { $set: tombstone(at) },
          { session, returnDocument: 'after', projection: SHOWN_FIELDS },
        ).lean();
        const message = await current(session, deleted!);
        const event = tx.append({ conversationId }, { type: 'message.deleted', message }, at);
        return { message, changed: true, events: [event], releasedAttachmentIds: released };
      }
      case 'react': {
        const reaction = { messageId, emoji: action.emoji, userId: action.actorId };
        let changed: boolean;
        if (action.on) {
          const present = await Reaction.aggregate<{ _id: string }>([
            { $match: { messageId } },
            { $group: { _id: '$emoji' } },
          ]).session(session);
          checkNewEmoji(
            present.map((emoji) => emoji._id),
            action.emoji,
            action.maxEmoji,
          );
          const { upsertedCount } = await Reaction.updateOne(
            reaction,
            { $setOnInsert: { createdAt: at } },
            { session, upsert: true },
          );
          changed = upsertedCount === 1;
        } else {
          changed = (await Reaction.deleteOne(reaction, { session })).deletedCount === 1;
        }
        const message = await current(session, doc);
        if (!changed) return { message, ...unchanged };
        const type = action.on ? ('reaction.added' as const) : ('reaction.removed' as const);
        const event = tx.append({ conversationId }, { type, conversationId, ...reaction }, at);
        return { message, changed: true, events: [event], releasedAttachmentIds: [] };
      }
      case 'pin': {
        // Only a change matches: pinning an unpinned message, or unpinning a pinned one.
        const pinned = await Message.findOneAndUpdate(
          { _id: messageId, pinnedAt: action.on ? null : { $ne: null } },
          { $set: { pinnedAt: action.on ? at : null } },
          { session, returnDocument: 'after', projection: SHOWN_FIELDS },
        ).lean();
        const message = await current(session, pinned ?? doc);
        if (!pinned) return { message, ...unchanged };
        const type = action.on ? ('message.pinned' as const) : ('message.unpinned' as const);
        const data = { type, conversationId, messageId, userId: action.actorId };
        const event = tx.append({ conversationId }, data, at);
        return { message, changed: true, events: [event], releasedAttachmentIds: [] };
      }
    }
  };

  return {
    /** An action on a message (see `MessageActionStore.actOnMessage`). */
    actionOp:
      (action: MessageAction, at: Date): WriteOp<Tx, MessageActionResult> =>
      async (tx) => {
        const { doc, facts } = await judge(tx.session, action.messageId, action.actorId);
        checkAction(action, facts);
        return apply(tx, action, doc, facts, at);
      },

    /** Copies of a message in several conversations (see `MessageActionStore.forwardMessage`). */
    forwardOp:
      (input: ForwardInput): WriteOp<Tx, SendResult[]> =>
      async (tx) => {
        const { session } = tx;
        const { doc: source, facts } = await judge(session, input.messageId, input.actorId);
        requireActionable(facts);
        const found = await Attachment.find({ _id: { $in: source.attachmentIds } })
          .session(session)
          .lean();
        const byId = new Map(found.map((attachment) => [attachment._id, attachment]));
        const sources = source.attachmentIds.flatMap((id) => byId.get(id) ?? []);
        const results: SendResult[] = [];
        for (const [i, conversationId] of input.conversationIds.entries()) {
          const clientMessageId = input.clientMessageIds[i]!;
          const existing = await Message.findOne(
            { senderId: input.actorId, clientMessageId },
            SHOWN_FIELDS,
          )
            .session(session)
            .lean();
          if (existing) {
            results.push({ message: await current(session, existing), created: false, events: [] });
            continue;
          }
          // A member row is only ever written with its conversation.
          const membership = await Member.findOne({ conversationId, userId: input.actorId })
            .session(session)
            .lean();
          if (!membership) throw new ConversationRuleError('not_found');
          if (membership.leftAt !== null) throw new ConversationRuleError('not_member');
          const id = uuidv7(input.createdAt.getTime());
          const attachments = await copyAttachments(models, session, {
            sources,
            ownerId: input.actorId,
            messageId: id,
            conversationId,
            createdAt: input.createdAt,
          });
          const { message, event } = await writeMessage(
            models,
            tx,
            conversationId,
            forwardedFields({
              id,
              senderId: input.actorId,
              text: source.text,
              attachments,
              clientMessageId,
              createdAt: input.createdAt,
            }),
          );
          results.push({ message, created: true, events: [event] });
        }
        return results;
      },

    async listPinned(conversationId: string, userId: string): Promise<Message[]> {
      const spans = await periods.ofMember(userId, conversationId);
      if (spans.length === 0) return [];
      // PINNED is the partial index's filter: the query reads that index, pinned messages only.
      const docs = await Message.find({ conversationId, ...PINNED }, SHOWN_FIELDS)
        .sort({ pinnedAt: -1, seq: -1 })
        .lean();
      return hydrate(docs.filter((doc) => coversSeq(spans, doc.seq)));
    },
  };
}
