import type { ConversationStore } from '../store.ts';
import type { ConversationSummary } from '../types.ts';
import { decodeConversationCursor, encodeConversationCursor } from './cursor.ts';
import { toConversation, toMemberState, toMessage } from './mappers.ts';
import type { ConversationDoc, Models } from './models.ts';
import { pairKey } from '../direct.ts';

export function conversationMethods({ Conversation, Message }: Models): ConversationStore {
  async function summarize(
    userId: string,
    docs: ConversationDoc[],
  ): Promise<ConversationSummary[]> {
    if (docs.length === 0) return [];
    const withMessages = docs.filter((doc) => doc.lastSeq > 0);
    const lastMessages =
      withMessages.length === 0
        ? []
        : await Message.find({
            $or: withMessages.map((doc) => ({ conversationId: doc._id, seq: doc.lastSeq })),
          }).lean();
    // One $or branch per conversation, each a range of the (conversationId, seq) index.
    const unread = await Message.aggregate<{ _id: string; count: number }>([
      {
        $match: {
          senderId: { $ne: userId },
          $or: docs.map((doc) => ({
            conversationId: doc._id,
            seq: { $gt: readSeqOf(doc, userId) },
          })),
        },
      },
      { $group: { _id: '$conversationId', count: { $sum: 1 } } },
    ]);
    const lastById = new Map(lastMessages.map((doc) => [doc.conversationId, toMessage(doc)]));
    const unreadById = new Map(unread.map((row) => [row._id, row.count]));
    return docs.map((doc) => ({
      conversation: toConversation(doc),
      members: doc.members.map(toMemberState),
      lastMessage: lastById.get(doc._id) ?? null,
      unreadCount: unreadById.get(doc._id) ?? 0,
    }));
  }

  return {
    async findDirectConversation(a, b) {
      const doc = await Conversation.findOne({ pairKey: pairKey(a, b) }).lean();
      return doc ? toConversation(doc) : null;
    },

    async getConversation(id) {
      const doc = await Conversation.findById(id).lean();
      return doc ? toConversation(doc) : null;
    },

    async listPeerIds(userId) {
      const ids = await Conversation.distinct('memberIds', { memberIds: userId });
      return ids.filter((id) => id !== userId).sort();
    },

    async listConversations({ userId, limit, cursor }) {
      const filter: Record<string, unknown> = { memberIds: userId };
      if (cursor) {
        // A cursor this store did not issue points nowhere: the caller gets an empty page.
        const after = decodeConversationCursor(cursor);
        if (!after) return { items: [], nextCursor: null };
        filter.$or = [
          { lastMessageAt: { $lt: after.lastMessageAt } },
          { lastMessageAt: after.lastMessageAt, _id: { $lt: after.id } },
        ];
      }
      const docs = await Conversation.find(filter)
        .sort({ lastMessageAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean();
      const page = docs.slice(0, limit);
      const last = page.at(-1);
      return {
        items: await summarize(userId, page),
        nextCursor:
          docs.length > limit && last
            ? encodeConversationCursor(last.lastMessageAt, last._id)
            : null,
      };
    },
  };
}

function readSeqOf(doc: ConversationDoc, userId: string): number {
  return doc.members.find((member) => member.userId === userId)?.readSeq ?? 0;
}
