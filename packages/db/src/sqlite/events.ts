import type Database from 'better-sqlite3-multiple-ciphers';
import type { EventStore } from '../store.ts';
import {
  fromStoredData,
  storedMessageId,
  toStoredData,
  type StoredEventData,
} from '../event-data.ts';
import type { DurableEventData, MembershipChange, Message, StoredEvent } from '../types.ts';
import { reviveSettings } from '../settings.ts';
import type { Hydrate } from './hydrate.ts';
import type { MessageRow } from './rows.ts';

/** Whom an event concerns: every member of a conversation at that moment, or one user. */
export type EventScope =
  { conversationId: string; userId?: never } | { userId: string; conversationId?: never };

/** Appends one event to the log; call it inside the write transaction that caused it. */
export type AppendEvent = (
  scope: EventScope,
  data: DurableEventData,
  at: Date,
  opts?: { members?: MembershipChange | undefined; except?: string[] | undefined },
) => StoredEvent;

// How `DurableEventData` is stored: as `StoredEventData` (an event that carries a message holds its
// id only; the message itself is in `messages`), with `members` when the event changed who is in
// the conversation and `except`, members who must not see it.
type EventJson = StoredEventData & { members?: MembershipChange; except?: string[] };

interface EventRow {
  id: number;
  conversation_id: string | null;
  user_id: string | null;
  data: string;
  created_at: number;
}

/** Global ids a replay query covers at once: bounds the rows it sorts, however long ago `afterId` is. */
const REPLAY_WINDOW = 20_000;

export const eventSql = {
  insert: `
    INSERT INTO event_log (conversation_id, user_id, data, created_at) VALUES (?, ?, ?, ?)
    RETURNING id`,
  // The events of the conversations the user was a member of at the time, and their own.
  forUser: `
    SELECT e.* FROM member_periods AS p
    JOIN event_log AS e ON e.conversation_id = p.conversation_id
      AND e.id > max(@afterId, p.from_event - 1)
      AND e.id <= min(@upToId, coalesce(p.to_event, @upToId))
    WHERE p.user_id = @userId
      AND (p.to_event IS NULL OR p.to_event > @afterId) AND p.from_event <= @upToId
      AND (instr(e.data, '"except"') = 0 OR NOT EXISTS (
        SELECT 1 FROM json_each(e.data, '$.except') AS x WHERE x.value = @userId))
    UNION ALL
    SELECT * FROM event_log WHERE user_id = @userId AND id > @afterId AND id <= @upToId
    ORDER BY id
    LIMIT @limit`,
  after: `
    SELECT * FROM event_log
    WHERE id > ? AND (conversation_id IS NOT NULL OR user_id IS NOT NULL)
    ORDER BY id LIMIT ?`,
  lastId: `SELECT coalesce(max(id), 0) FROM event_log`,
  // The origin row (neither conversation nor user) is the log's first row, when there is one.
  origin: `
    SELECT id FROM event_log
    WHERE id = (SELECT min(id) FROM event_log) AND conversation_id IS NULL AND user_id IS NULL`,
  messagesByIds: `SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?))`,
};

export function eventAppender(db: Database.Database): AppendEvent {
  const insert = db.prepare<[string | null, string | null, string, number], number>(
    eventSql.insert,
  );
  const pluckId = insert.pluck();
  return (scope, data, at, opts = {}) => {
    const stored = toStoredData(data);
    const extra = {
      ...(opts.members ? { members: opts.members } : {}),
      ...(opts.except?.length ? { except: opts.except } : {}),
    };
    const json = JSON.stringify({ ...stored, ...extra });
    const conversationId = scope.conversationId ?? null;
    const userId = scope.userId ?? null;
    const id = pluckId.get(conversationId, userId, json, at.getTime())!;
    return { id, conversationId, userId, data, createdAt: at, ...extra };
  };
}

export function eventMethods(db: Database.Database, hydrate: Hydrate): EventStore {
  const forUser = db.prepare<
    [{ userId: string; afterId: number; upToId: number; limit: number }],
    EventRow
  >(eventSql.forUser);
  const after = db.prepare<[number, number], EventRow>(eventSql.after);
  const lastId = db.prepare<[], number>(eventSql.lastId).pluck();
  const origin = db.prepare<[], number>(eventSql.origin).pluck();
  const messagesByIds = db.prepare<[string], MessageRow>(eventSql.messagesByIds);

  /** Rows to events, with the messages they refer to read in one query (as they are now). */
  const toEvents = (rows: EventRow[]): StoredEvent[] => {
    const parsed = rows.map((row) => JSON.parse(row.data) as EventJson);
    const ids = parsed.flatMap((data) => storedMessageId(data) ?? []);
    const messages = new Map<string, Message>();
    if (ids.length > 0) {
      for (const message of hydrate(messagesByIds.all(JSON.stringify(ids))))
        messages.set(message.id, message);
    }
    return rows.map((row, i) => {
      const { members, except, ...data } = parsed[i]!;
      return {
        id: row.id,
        conversationId: row.conversation_id,
        userId: row.user_id,
        data:
          data.type === 'conversation.settings'
            ? { ...data, ...reviveSettings(data) }
            : fromStoredData(data, messages, row.id),
        createdAt: new Date(row.created_at),
        ...(members ? { members } : {}),
        ...(except ? { except } : {}),
      };
    });
  };

  return {
    async listUserEvents({ userId, afterId, upToId, limit }) {
      const rows: EventRow[] = [];
      const end = Math.min(upToId, lastId.get() ?? 0);
      let from = afterId;
      while (rows.length < limit && from < end) {
        const to = Math.min(end, from + REPLAY_WINDOW);
        rows.push(
          ...forUser.all({ userId, afterId: from, upToId: to, limit: limit - rows.length }),
        );
        from = to;
      }
      return toEvents(rows);
    },

    async listEvents({ afterId, limit }) {
      return toEvents(after.all(afterId, limit));
    },

    async lastEventId() {
      return lastId.get() ?? 0;
    },

    async firstEventId() {
      const originId = origin.get();
      return originId === undefined ? 1 : originId + 1;
    },
  };
}
