import type { ClientSession, Connection } from 'mongoose';
import { toMessageAttachment } from '../attachments.ts';
import { AttachmentUnavailableError, type AttachmentStore } from '../store.ts';
import type { MessageAttachment } from '../types.ts';
import { toAttachment, toUser } from './mappers.ts';
import type { Models } from './models.ts';

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
      { _id: id, ownerId: claim.ownerId, messageId: null, isAvatar: false },
      { $set: { messageId: claim.messageId, conversationId: claim.conversationId } },
      { returnDocument: 'after', session },
    ).lean();
    if (!doc) throw new AttachmentUnavailableError(id);
    claimed.push(toMessageAttachment(toAttachment(doc)));
  }
  return claimed;
}

export function attachmentMethods(conn: Connection, models: Models): AttachmentStore {
  const { Attachment, User } = models;

  return {
    async createAttachment(attachment) {
      const doc = await Attachment.create({ ...attachment });
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

    async setAvatar(userId, attachmentId) {
      // Runs again on transient errors, such as a write conflict with a concurrent send.
      return conn.transaction(async (session) => {
        await Attachment.updateMany(
          { ownerId: userId, isAvatar: true },
          { $set: { isAvatar: false } },
          { session },
        );
        if (attachmentId !== null) {
          const claimed = await Attachment.findOneAndUpdate(
            { _id: attachmentId, ownerId: userId, messageId: null },
            { $set: { isAvatar: true } },
            { returnDocument: 'after', session },
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
      const docs = await Attachment.find({
        messageId: null,
        isAvatar: false,
        createdAt: { $lt: createdBefore },
      })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(toAttachment);
    },

    async deleteUnusedAttachment(id) {
      const result = await Attachment.deleteOne({ _id: id, messageId: null, isAvatar: false });
      return result.deletedCount === 1;
    },
  };
}
