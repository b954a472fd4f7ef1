import { randomUUID } from 'node:crypto';
import type { ClientSession, Connection } from 'mongoose';
import type { MessageStore } from '../store.ts';
import type { Message, NewMessage, SendResult } from '../types.ts';
import { duplicateKeyFields } from './errors.ts';
import { claimAttachments } from './attachments.ts';
import { appendEvents } from './events.ts';
import { toMessage, toMessageDoc } from './mappers.ts';
import type { Models } from './models.ts';
import { pairKey, directMemberIds } from '../direct.ts';

// The first messages of a new pair, sent at once, can both try to create the conversation; the
// loser's upsert fails with a duplicate pairKey and its next attempt finds the winner's.
const SEND_ATTEMPTS = 3;

export function messageMethods(conn: Connection, models: Models): MessageStore {
  const { Conversation, Message } = models;

  async function findByClientId(
    senderId: string,
    clientMessageId: string,
    session: ClientSession | null,
  ) {
    const doc = await Message.findOne({ senderId, clientMessageId }).session(session).lean();
    return doc ? toMessage(doc) : null;
  }

  async function send(session: ClientSession, msg: NewMessage): Promise<SendResult> {
    const existing = await findByClientId(msg.senderId, msg.clientMessageId, session);
    if (existing) return { message: existing, created: false, events: [] };

    const [senderId, recipientId] = directMemberIds(msg);
    const memberIds = [senderId, recipientId].sort();
    const conversation = await Conversation.findOneAndUpdate(
      { pairKey: pairKey(senderId, recipientId) },
      {
        $setOnInsert: {
          _id: randomUUID(),
          kind: 'direct',
          memberIds,
          members: memberIds.map((userId) => ({ userId, deliveredSeq: 0, readSeq: 0 })),
          createdAt: msg.createdAt,
        },
        $set: { lastMessageAt: msg.createdAt },
        $inc: { lastSeq: 1 },
      },
      { upsert: true, returnDocument: 'after', session },
    ).lean();
    if (!conversation) throw new Error('conversation upsert returned nothing');

    const id = randomUUID();
    const attachments = await claimAttachments(models, session, {
      ids: msg.attachmentIds,
      ownerId: senderId,
      messageId: id,
      conversationId: conversation._id,
    });
    const message: Message = {
      id,
      conversationId: conversation._id,
      seq: conversation.lastSeq,
      senderId,
      text: msg.text,
      attachmentIds: [...msg.attachmentIds],
      attachments,
      clientMessageId: msg.clientMessageId,
      createdAt: msg.createdAt,
    };
    await Message.insertOne(toMessageDoc(message), { session });
    // The sender has seen their own message; but if they had not caught up with the messages
    // before it, moving them past those would mark unseen messages read.
    await Conversation.updateOne(
      { _id: conversation._id },
      {
        $set: {
          'members.$[delivered].deliveredSeq': message.seq,
          'members.$[read].readSeq': message.seq,
        },
      },
      {
        arrayFilters: [
          { 'delivered.userId': senderId, 'delivered.deliveredSeq': { $gte: message.seq - 1 } },
          { 'read.userId': senderId, 'read.readSeq': { $gte: message.seq - 1 } },
        ],
        session,
      },
    );
    const events = await appendEvents(
      models,
      session,
      [senderId, recipientId],
      { type: 'message.new', message },
      msg.createdAt,
    );
    return { message, created: true, events };
  }

  return {
    async sendMessage(msg) {
      for (let attempt = 1; ; attempt++) {
        try {
          // Runs `send` again on transient errors, such as a write conflict with a concurrent send.
          return await conn.transaction((session) => send(session, msg));
        } catch (error) {
          const fields = duplicateKeyFields(error);
          if (fields?.includes('clientMessageId')) {
            // A concurrent call with the same clientMessageId committed first.
            const existing = await findByClientId(msg.senderId, msg.clientMessageId, null);
            if (existing) return { message: existing, created: false, events: [] };
          }
          if (fields?.includes('pairKey') && attempt < SEND_ATTEMPTS) continue;
          throw error;
        }
      }
    },

    async getMessage(id) {
      const doc = await Message.findById(id).lean();
      return doc ? toMessage(doc) : null;
    },

    getMessageByClientId(senderId, clientMessageId) {
      return findByClientId(senderId, clientMessageId, null);
    },

    async listMessages({ conversationId, beforeSeq, limit }) {
      const filter =
        beforeSeq == null ? { conversationId } : { conversationId, seq: { $lt: beforeSeq } };
      const docs = await Message.find(filter).sort({ seq: -1 }).limit(limit).lean();
      return docs.map(toMessage);
    },
  };
}
