import type { Connection } from 'mongoose';
import type { ReceiptStore } from '../store.ts';
import type { MemberState, ReceiptInput, ReceiptResult } from '../types.ts';
import { appendEvents } from './events.ts';
import { toMemberState } from './mappers.ts';
import type { Models } from './models.ts';

export function receiptMethods(conn: Connection, models: Models): ReceiptStore {
  const { Conversation, Message } = models;

  // Reads the member's position and writes the new one in one transaction: a concurrent
  // change to the conversation document is a write conflict, and the transaction retries.
  function advance(kind: 'delivered' | 'read', input: ReceiptInput): Promise<ReceiptResult> {
    return conn.transaction(async (session): Promise<ReceiptResult> => {
      const conversation = await Conversation.findById(input.conversationId)
        .session(session)
        .lean();
      const member = conversation?.members.find((m) => m.userId === input.userId);
      if (!conversation || !member) {
        throw new Error(
          `user ${input.userId} is not a member of conversation ${input.conversationId}`,
        );
      }
      const upToSeq = Math.min(input.upToSeq, conversation.lastSeq);
      const current = kind === 'read' ? member.readSeq : member.deliveredSeq;
      if (upToSeq <= current) return { advanced: false, state: toMemberState(member), events: [] };

      const state: MemberState =
        kind === 'read'
          ? {
              userId: member.userId,
              deliveredSeq: Math.max(member.deliveredSeq, upToSeq),
              readSeq: upToSeq,
            }
          : { userId: member.userId, deliveredSeq: upToSeq, readSeq: member.readSeq };
      await Conversation.updateOne(
        { _id: conversation._id },
        {
          $set: {
            'members.$[me].deliveredSeq': state.deliveredSeq,
            'members.$[me].readSeq': state.readSeq,
          },
        },
        { arrayFilters: [{ 'me.userId': input.userId }], session },
      );
      const upTo = await Message.findOne(
        { conversationId: conversation._id, seq: upToSeq },
        { _id: 1 },
      )
        .session(session)
        .lean();
      if (!upTo) {
        throw new Error(`message ${upToSeq} of conversation ${conversation._id} is missing`);
      }

      const recipients =
        kind === 'read'
          ? conversation.memberIds
          : conversation.memberIds.filter((id) => id !== input.userId);
      const events = await appendEvents(
        models,
        session,
        recipients,
        {
          type: kind === 'read' ? 'message.read' : 'message.delivered',
          conversationId: conversation._id,
          userId: input.userId,
          upToSeq,
          upToMessageId: upTo._id,
        },
        input.at,
      );
      return { advanced: true, state, events };
    });
  }

  return {
    markDelivered: (input) => advance('delivered', input),
    markRead: (input) => advance('read', input),
  };
}
