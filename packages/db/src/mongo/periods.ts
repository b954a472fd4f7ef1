import type { ClientSession } from 'mongoose';
import type { MembershipPeriod } from '../types.ts';
import { toPeriod } from './mappers.ts';
import type { Models } from './models.ts';

/** Membership periods: what of a conversation each member may see. */
export function periodMethods({ Period }: Models) {
  return {
    /** The user's periods in the conversation, oldest first. */
    async ofMember(
      userId: string,
      conversationId: string,
      session: ClientSession | null = null,
    ): Promise<MembershipPeriod[]> {
      const docs = await Period.find({ userId, conversationId })
        .sort({ fromEventId: 1 })
        .session(session)
        .lean();
      return docs.map(toPeriod);
    },

    /** Every period of the user, by conversation, oldest first. */
    async ofUser(userId: string): Promise<MembershipPeriod[]> {
      const docs = await Period.find({ userId }).sort({ conversationId: 1, fromEventId: 1 }).lean();
      return docs.map(toPeriod);
    },

    /** Starts a period at the event (and message) that made the user a member. */
    async open(
      session: ClientSession,
      userId: string,
      conversationId: string,
      at: { eventId: number; seq: number },
    ): Promise<void> {
      await Period.insertMany(
        [
          {
            userId,
            conversationId,
            fromEventId: at.eventId,
            toEventId: null,
            fromSeq: at.seq,
            toSeq: null,
          },
        ],
        { session, lean: true },
      );
    },

    /** Ends the user's open period at the event (and message) that ended their membership. */
    async close(
      session: ClientSession,
      userId: string,
      conversationId: string,
      at: { eventId: number; seq: number },
    ): Promise<void> {
      await Period.updateOne(
        { userId, conversationId, toEventId: null },
        { $set: { toEventId: at.eventId, toSeq: at.seq } },
        { session },
      );
    },
  };
}

export type Periods = ReturnType<typeof periodMethods>;
