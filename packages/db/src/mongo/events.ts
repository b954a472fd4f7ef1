import type { ClientSession, Connection } from 'mongoose';
import type { EventStore } from '../store.ts';
import { storedMessageId, toStoredData } from '../event-data.ts';
import type { DurableEventData, MembershipChange, Message, StoredEvent } from '../types.ts';
import type { Hydrate } from './hydrate.ts';
import { toEvent } from './mappers.ts';
import { SHOWN_FIELDS, type EventLogDoc, type Models, type PeriodDoc } from './models.ts';
import { runTransaction } from './transactions.ts';
import type { Commit } from './writer.ts';

/** Whom an event concerns: every member of a conversation at that moment, or one user. */
export type EventScope =
  { conversationId: string; userId?: never } | { userId: string; conversationId?: never };

/** What a write op gets from its transaction. */
export interface Tx {
  readonly session: ClientSession;
  /**
   * Appends an event to the log, with the log's next id, in this transaction; `members` when it
   * changes who is in its conversation, `except` the members who must not see it.
   */
  append(
    scope: EventScope,
    data: DurableEventData,
    at: Date,
    opts?: { members?: MembershipChange | undefined; except?: string[] | undefined },
  ): StoredEvent;
}

/** The id of the counter document of the log (collection `counters`). */
export const EVENT_COUNTER = 'events';

/** Global ids a replay query covers at once: bounds the events one query sorts. */
export const REPLAY_WINDOW = 20_000;

/**
 * Runs ops in one transaction that appends to the log. Its first write claims the log's counter
 * (`claims` + 1): until it commits, every other such transaction (of any process) conflicts on
 * that document at its first write and is retried by the driver, after a short backoff, without
 * having done anything else. So the events are given ids as they are appended, the counter is
 * set to the last one with the events' insert, and ids are dense and in commit order.
 *
 * (Incrementing the counter last instead would hold it for less time, but every transaction
 * whose snapshot predates another's commit would then conflict at its end and redo all its
 * work: under load, most of them.)
 */
export function logCommitter(conn: Connection, models: Models): Commit<Tx> {
  const { Counter, EventLog } = models;
  return (ops) =>
    runTransaction(conn, async (session) => {
      const counter = await Counter.findOneAndUpdate(
        { _id: EVENT_COUNTER },
        { $inc: { claims: 1 } },
        { session, returnDocument: 'after', projection: { value: 1 } },
      ).lean();
      if (!counter) throw new Error('the event log has no counter: the store was not prepared');
      let last = counter.value;
      const events: StoredEvent[] = [];
      const tx: Tx = {
        session,
        append(scope, data, at, { members, except } = {}) {
          last += 1;
          const event: StoredEvent = {
            id: last,
            conversationId: scope.conversationId ?? null,
            userId: scope.userId ?? null,
            data,
            createdAt: at,
            ...(members ? { members } : {}),
            ...(except?.length ? { except } : {}),
          };
          events.push(event);
          return event;
        },
      };
      const results: unknown[] = [];
      for (const op of ops) results.push(await op(tx));
      if (events.length > 0) {
        await EventLog.insertMany(events.map(toEventLogDoc), { session, lean: true });
        await Counter.updateOne({ _id: EVENT_COUNTER }, { $set: { value: last } }, { session });
      }
      return results;
    });
}

/** How an event is stored (one that carries a message as the message's id). */
export function toEventLogDoc(event: StoredEvent): EventLogDoc {
  const { data } = event;
  return {
    _id: event.id,
    ...(event.conversationId !== null ? { conversationId: event.conversationId } : {}),
    ...(event.userId !== null ? { userId: event.userId } : {}),
    data: toStoredData(data),
    ...(event.members ? { members: event.members } : {}),
    ...(event.except?.length ? { except: event.except } : {}),
    createdAt: event.createdAt,
  };
}

/**
 * The query of a user's events with afterId < id <= upToId: those of each conversation while
 * they were a member (a period, both ends inclusive), but those withheld from them (`except`),
 * and their own: one branch of an `$or` per period that overlaps the range, each a range of an
 * index in id order (merged by the server). The withheld are left out by the query itself, so a
 * page (its `limit`) is filled with events the user may see.
 */
export function replayFilter(
  userId: string,
  periods: Pick<PeriodDoc, 'conversationId' | 'fromEventId' | 'toEventId'>[],
  afterId: number,
  upToId: number,
): Record<string, unknown> {
  const branches: Record<string, unknown>[] = periods.flatMap((period) => {
    const from = Math.max(afterId, period.fromEventId - 1);
    const to = Math.min(upToId, period.toEventId ?? upToId);
    return to > from
      ? [
          {
            conversationId: period.conversationId,
            _id: { $gt: from, $lte: to },
            // No element equal, or no `except` at all ($nin matches a missing field).
            except: { $nin: [userId] },
          },
        ]
      : [];
  });
  branches.push({ userId, _id: { $gt: afterId, $lte: upToId } });
  return { $or: branches };
}

export function eventMethods(
  models: Models,
  deps: { counter: { first: number }; hydrate: Hydrate },
): EventStore {
  const { counter, hydrate } = deps;
  const { Counter, EventLog, Message, Period } = models;

  const lastEventId = async () => {
    const doc = await Counter.findById(EVENT_COUNTER, { value: 1 }).lean();
    return doc?.value ?? counter.first - 1;
  };

  /** Documents to events, with the messages they refer to as they are now. */
  const toEvents = async (docs: EventLogDoc[]): Promise<StoredEvent[]> => {
    const ids = docs.flatMap(({ data }) => storedMessageId(data) ?? []);
    const messages = new Map<string, Message>();
    if (ids.length > 0) {
      const found = await Message.find({ _id: { $in: ids } }, SHOWN_FIELDS).lean();
      for (const message of await hydrate(found)) messages.set(message.id, message);
    }
    return docs.map((doc) => toEvent(doc, messages));
  };

  return {
    async listUserEvents({ userId, afterId, upToId, limit }) {
      if (limit <= 0) return [];
      const periods = await Period.find(
        { userId },
        { conversationId: 1, fromEventId: 1, toEventId: 1 },
      ).lean();
      const docs: EventLogDoc[] = [];
      const end = Math.min(upToId, await lastEventId());
      for (let from = afterId; docs.length < limit && from < end; from += REPLAY_WINDOW) {
        const filter = replayFilter(userId, periods, from, Math.min(end, from + REPLAY_WINDOW));
        docs.push(
          ...(await EventLog.find(filter)
            .sort({ _id: 1 })
            .limit(limit - docs.length)
            .lean<EventLogDoc[]>()),
        );
      }
      return toEvents(docs);
    },

    async listEvents({ afterId, limit }) {
      if (limit <= 0) return [];
      const docs = await EventLog.find({ _id: { $gt: afterId } })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<EventLogDoc[]>();
      return toEvents(docs);
    },

    lastEventId,

    async firstEventId() {
      return counter.first;
    },
  };
}
