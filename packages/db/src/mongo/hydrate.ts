import type { ClientSession } from 'mongoose';
import {
  groupReactions,
  toReplyPreview,
  type Original,
  type ReactionRow,
} from '../message-actions.ts';
import type { Message } from '../types.ts';
import { toMessage } from './mappers.ts';
import type { MessageDoc, Models } from './models.ts';

/** What is read of a message that a reply answers. */
export type OriginalDoc = Pick<
  MessageDoc,
  '_id' | 'senderId' | 'kind' | 'seq' | 'text' | 'attachmentIds' | 'deletedAt'
>;

export const ORIGINAL_FIELDS = {
  senderId: 1,
  kind: 1,
  seq: 1,
  text: 1,
  attachmentIds: 1,
  deletedAt: 1,
} as const;

/** A message as a reply's original (see `toReplyPreview`). */
export function toOriginal(doc: OriginalDoc): Original & Pick<Message, 'kind' | 'seq'> {
  return {
    id: doc._id,
    senderId: doc.senderId,
    kind: doc.kind ?? 'text',
    seq: doc.seq,
    text: doc.text,
    attachmentCount: doc.attachmentIds.length,
    deleted: (doc.deletedAt ?? null) !== null,
  };
}

/**
 * Documents to messages, with the preview of the message each answers (from `originals`) and
 * their reactions (from `reactions`, in the order they were made).
 */
export function hydrateMessages(
  docs: MessageDoc[],
  originals: OriginalDoc[],
  reactions: ReactionRow[],
): Message[] {
  const previews = new Map(originals.map((doc) => [doc._id, toReplyPreview(toOriginal(doc))]));
  const reactionsOf = groupReactions(reactions);
  return docs.map((doc) => ({
    ...toMessage(doc),
    replyTo: doc.replyToId ? (previews.get(doc.replyToId) ?? null) : null,
    reactions: reactionsOf.get(doc._id) ?? [],
  }));
}

/**
 * Documents to messages with what is read beside them, as it is now: in `session` when given
 * (inside a transaction, reading its own writes), else outside any.
 */
export type Hydrate = (docs: MessageDoc[], session?: ClientSession | null) => Promise<Message[]>;

export function messageHydrator({ Message, Reaction }: Models): Hydrate {
  return async (docs, session = null) => {
    if (docs.length === 0) return [];
    const replyIds = [...new Set(docs.flatMap((doc) => (doc.replyToId ? [doc.replyToId] : [])))];
    const originals = () =>
      replyIds.length === 0
        ? Promise.resolve([])
        : Message.find({ _id: { $in: replyIds } }, ORIGINAL_FIELDS)
            .session(session)
            .lean<OriginalDoc[]>();
    // Covered by the index { messageId, createdAt, userId, emoji }.
    const reactions = () =>
      Reaction.find(
        { messageId: { $in: docs.map((doc) => doc._id) } },
        { _id: 0, messageId: 1, emoji: 1, userId: 1 },
      )
        .sort({ createdAt: 1, userId: 1 })
        .session(session)
        .lean<ReactionRow[]>();
    // A transaction runs one operation at a time.
    const [found, reacted] = session
      ? [await originals(), await reactions()]
      : await Promise.all([originals(), reactions()]);
    return hydrateMessages(docs, found, reacted);
  };
}
