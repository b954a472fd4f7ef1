import { randomUUID } from 'node:crypto';
import type { ClientSession, Connection } from 'mongoose';
import { toMessageAttachment } from '../attachments.ts';
import {
  AttachmentUnavailableError,
  type AttachmentStore,
  type MessageActionStore,
} from '../store.ts';
import type { MessageAttachment } from '../types.ts';
import { toAttachment, toUser } from './mappers.ts';
import type { AttachmentDoc, Models } from './models.ts';
import { runTransaction } from './transactions.ts';

/** An upload used by nothing: no message, not an avatar, no group's picture. */
const UNUSED = { messageId: null, isAvatar: false, groupAvatarOf: null } as const;

/**
 * Claims the sender's attachments for a message inside the caller's transaction. Throws
 * AttachmentUnavailableError (aborting the transaction) for any that is not the sender's to
 * use, including one listed twice. Two transactions claiming the same attachment conflict on
 * its document: one retries and then finds it taken.
 */
export async function claimAttachments(
  { Attachment }: Models,
  session: ClientSession,
  claim: { ids: string[]; ownerId: string; messageId: string; conversationId: string },
): Promise<MessageAttachment[]> {
  const claimed: MessageAttachment[] = [];
  for (const id of claim.ids) {
    const doc = await Attachment.findOneAndUpdate(
      { _id: id, ownerId: claim.ownerId, ...UNUSED },
      { $set: { messageId: claim.messageId, conversationId: claim.conversationId } },
      { returnDocument: 'after', session },
    ).lean();
    if (!doc) throw new AttachmentUnavailableError(id);
    claimed.push(toMessageAttachment(toAttachment(doc)));
  }
  return claimed;
}

/**
 * New attachments of a forwarded message, one per source and in their order, using the sources'
 * files (`blobId`); inside the forward's transaction.
 */
export async function copyAttachments(
  { Attachment }: Models,
  session: ClientSession,
  copy: {
    sources: AttachmentDoc[];
    ownerId: string;
    messageId: string;
    conversationId: string;
    createdAt: Date;
  },
): Promise<MessageAttachment[]> {
  const docs = copy.sources.map((source): AttachmentDoc => ({
    ...source,
    _id: randomUUID(),
    ownerId: copy.ownerId,
    createdAt: copy.createdAt,
    messageId: copy.messageId,
    conversationId: copy.conversationId,
    isAvatar: false,
    groupAvatarOf: null,
    blobId: source.blobId ?? source._id,
  }));
  // `lean` inserts the documents as they are (no defaults): they are complete.
  if (docs.length > 0) await Attachment.insertMany(docs, { session, lean: true });
  return docs.map((doc) => toMessageAttachment(toAttachment(doc)));
}

/**
 * Makes an upload of `ownerId` the group's picture (its previous one becomes an unused upload,
 * to be collected), or clears it, inside the group change's transaction.
 * @throws AttachmentUnavailableError
 */
export async function setGroupAvatar(
  { Attachment }: Models,
  session: ClientSession,
  opts: { conversationId: string; attachmentId: string | null; ownerId: string },
): Promise<void> {
  await Attachment.updateMany(
    { groupAvatarOf: opts.conversationId },
    { $set: { groupAvatarOf: null } },
    { session },
  );
  if (opts.attachmentId === null) return;
  const claimed = await Attachment.findOneAndUpdate(
    // Only an image can be a picture.
    { _id: opts.attachmentId, ownerId: opts.ownerId, kind: 'image', ...UNUSED },
    { $set: { groupAvatarOf: opts.conversationId } },
    { returnDocument: 'after', session, projection: { _id: 1 } },
  ).lean();
  if (!claimed) throw new AttachmentUnavailableError(opts.attachmentId);
}

export function attachmentMethods(
  conn: Connection,
  models: Models,
): AttachmentStore & Pick<MessageActionStore, 'blobInUse'> {
  const { Attachment, User } = models;

  return {
    async createAttachment(attachment) {
      const id = randomUUID();
      // An upload uses its own files.
      const doc = await Attachment.create({ ...attachment, _id: id, blobId: id });
      return toAttachment(doc.toObject());
    },

    async getAttachment(id) {
      const doc = await Attachment.findById(id).lean();
      return doc ? toAttachment(doc) : null;
    },

    async getAttachments(ids) {
      if (ids.length === 0) return [];
      const docs = await Attachment.find({ _id: { $in: ids } }).lean();
      const byId = new Map(docs.map((doc) => [doc._id, toAttachment(doc)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    setAvatar(userId, attachmentId) {
      return runTransaction(conn, async (session) => {
        await Attachment.updateMany(
          { ownerId: userId, isAvatar: true },
          { $set: { isAvatar: false } },
          { session },
        );
        if (attachmentId !== null) {
          const claimed = await Attachment.findOneAndUpdate(
            // Only an image can be a picture.
            {
              _id: attachmentId,
              ownerId: userId,
              kind: 'image',
              messageId: null,
              groupAvatarOf: null,
            },
            { $set: { isAvatar: true } },
            { returnDocument: 'after', session, projection: { _id: 1 } },
          ).lean();
          if (!claimed) throw new AttachmentUnavailableError(attachmentId);
        }
        const user = await User.findOneAndUpdate(
          { _id: userId },
          { $set: { avatarId: attachmentId } },
          { returnDocument: 'after', session },
        ).lean();
        return user ? toUser(user) : null;
      });
    },

    async listUnusedAttachments({ createdBefore, limit }) {
      if (limit <= 0) return [];
      const docs = await Attachment.find({ ...UNUSED, createdAt: { $lt: createdBefore } })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(toAttachment);
    },

    async deleteUnusedAttachment(id) {
      const result = await Attachment.deleteOne({ _id: id, ...UNUSED });
      return result.deletedCount === 1;
    },

    async blobInUse(blobId) {
      // An upload itself, or a copy of it. An upload's files are named by its _id, with or
      // without a blobId (one written by a build from before forwarding, still running while
      // this one migrated, has none).
      return (await Attachment.exists({ $or: [{ _id: blobId }, { blobId }] })) !== null;
    },
  };
}
