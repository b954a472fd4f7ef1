import type { ClientSession } from 'mongoose';
import type { EventStore } from '../store.ts';
import type { DurableEventData, StoredEvent } from '../types.ts';
import { toEvent } from './mappers.ts';
import type { Models } from './models.ts';

// Writes `data` to each user's stream inside the caller's transaction. The id comes from the
// user's `eventSeq` counter: concurrent transactions that touch the same user conflict on that
// document and one of them retries, so ids are contiguous and follow commit order.
export async function appendEvents(
  { User, Event }: Models,
  session: ClientSession,
  userIds: readonly string[],
  data: DurableEventData,
  createdAt: Date,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (const userId of userIds) {
    const user = await User.findOneAndUpdate(
      { _id: userId },
      { $inc: { eventSeq: 1 } },
      { returnDocument: 'after', projection: { eventSeq: 1 }, session },
    ).lean();
    if (!user) throw new Error(`cannot write an event for unknown user ${userId}`);
    events.push({ userId, id: user.eventSeq, data, createdAt });
  }
  await Event.insertMany(events, { session });
  return events;
}

export function eventMethods({ User, Event }: Models): EventStore {
  return {
    async listEvents({ userId, afterId, limit }) {
      const docs = await Event.find({ userId, id: { $gt: afterId } })
        .sort({ id: 1 })
        .limit(limit)
        .lean();
      return docs.map(toEvent);
    },

    async lastEventId(userId) {
      const user = await User.findById(userId, { eventSeq: 1 }).lean();
      return user?.eventSeq ?? 0;
    },
  };
}
