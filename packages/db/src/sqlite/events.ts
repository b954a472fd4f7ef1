import type Database from 'better-sqlite3';
import type { EventStore } from '../store.ts';
import type { DurableEventData, Message, StoredEvent } from '../types.ts';

// Appends one event to each user's stream; call it inside the write transaction that caused it.
export type AppendEvents = (userIds: string[], data: DurableEventData, at: Date) => StoredEvent[];

// How `DurableEventData` looks after a JSON round trip: dates become ISO strings.
type EventJson =
  | Exclude<DurableEventData, { type: 'message.new' }>
  | {
      type: 'message.new';
      message: Omit<Message, 'createdAt' | 'attachments'> & {
        createdAt: string;
        attachments?: Message['attachments'];
      };
    };

interface EventRow {
  user_id: string;
  id: number;
  data: string;
  created_at: number;
}

export const eventSql = {
  nextId: `UPDATE users SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq`,
  insert: `INSERT INTO events (user_id, id, data, created_at) VALUES (?, ?, ?, ?)`,
  after: `SELECT * FROM events WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?`,
  lastId: `SELECT event_seq FROM users WHERE id = ?`,
};

export function eventAppender(db: Database.Database): AppendEvents {
  const nextId = db.prepare<[string], number>(eventSql.nextId).pluck();
  const insert = db.prepare<[string, number, string, number]>(eventSql.insert);

  return (userIds, data, at) => {
    const json = JSON.stringify(data);
    return userIds.map((userId) => {
      const id = nextId.get(userId);
      if (id === undefined) throw new Error(`no user ${userId} to write an event for`);
      insert.run(userId, id, json, at.getTime());
      return { userId, id, data, createdAt: at };
    });
  };
}

export function eventMethods(db: Database.Database): EventStore {
  const after = db.prepare<[string, number, number], EventRow>(eventSql.after);
  const lastId = db.prepare<[string], number>(eventSql.lastId).pluck();

  return {
    async listEvents({ userId, afterId, limit }) {
      return after.all(userId, afterId, limit).map(toStoredEvent);
    },

    async lastEventId(userId) {
      return lastId.get(userId) ?? 0;
    },
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    userId: row.user_id,
    id: row.id,
    data: reviveDates(JSON.parse(row.data) as EventJson),
    createdAt: new Date(row.created_at),
  };
}

// Events written before attachments existed have no `attachments`: they had none.
function reviveDates(data: EventJson): DurableEventData {
  if (data.type !== 'message.new') return data;
  const { message } = data;
  return {
    ...data,
    message: {
      ...message,
      attachments: message.attachments ?? [],
      createdAt: new Date(message.createdAt),
    },
  };
}
