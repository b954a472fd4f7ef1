import type Database from 'better-sqlite3';
import type { EventStore } from '../store.ts';
import type { DurableEventData, Message, StoredEvent } from '../types.ts';
import { toMessage, type MessageRow } from './rows.ts';

// Appends one event to each user's stream; call it inside the write transaction that caused it.
export type AppendEvents = (userIds: string[], data: DurableEventData, at: Date) => StoredEvent[];

// How `DurableEventData` is stored. A `message.new` event holds the message's id only: the
// message itself is in `messages`, and copying it into the stream of each member made the
// events table the largest write of every send (big rows, clustered by user, splitting pages).
// Events written before that hold the whole message, with dates as ISO strings.
type EventJson =
  | Exclude<DurableEventData, { type: 'message.new' }>
  | { type: 'message.new'; messageId: string }
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

// A user's last event id is the greatest in their stream: reading it touches the page the
// next event goes to anyway. (Version 1 kept a counter in `users.event_seq`: a second page
// written per user per event. Events are never deleted, so the two agree on old files.)
export const eventSql = {
  nextId: `SELECT coalesce(max(id), 0) + 1 FROM events WHERE user_id = ?`,
  insert: `INSERT INTO events (user_id, id, data, created_at) VALUES (?, ?, ?, ?)`,
  after: `SELECT * FROM events WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?`,
  lastId: `SELECT coalesce(max(id), 0) FROM events WHERE user_id = ?`,
};

export function eventAppender(db: Database.Database): AppendEvents {
  const nextId = db.prepare<[string], number>(eventSql.nextId).pluck();
  const insert = db.prepare<[string, number, string, number]>(eventSql.insert);

  return (userIds, data, at) => {
    const json = JSON.stringify(
      data.type === 'message.new' ? { type: data.type, messageId: data.message.id } : data,
    );
    return userIds.map((userId) => {
      const id = nextId.get(userId)!;
      insert.run(userId, id, json, at.getTime());
      return { userId, id, data, createdAt: at };
    });
  };
}

export function eventMethods(db: Database.Database): EventStore {
  const after = db.prepare<[string, number, number], EventRow>(eventSql.after);
  const lastId = db.prepare<[string], number>(eventSql.lastId).pluck();
  const messageById = db.prepare<[string], MessageRow>(`SELECT * FROM messages WHERE id = ?`);
  const message = (id: string): Message => {
    const row = messageById.get(id);
    if (!row) throw new Error(`event refers to a missing message ${id}`);
    return toMessage(row);
  };

  return {
    async listEvents({ userId, afterId, limit }) {
      return after.all(userId, afterId, limit).map((row) => toStoredEvent(row, message));
    },

    async lastEventId(userId) {
      return lastId.get(userId) ?? 0;
    },
  };
}

function toStoredEvent(row: EventRow, message: (id: string) => Message): StoredEvent {
  const data = JSON.parse(row.data) as EventJson;
  return {
    userId: row.user_id,
    id: row.id,
    data:
      data.type === 'message.new' && 'messageId' in data
        ? { type: 'message.new', message: message(data.messageId) }
        : reviveDates(data),
    createdAt: new Date(row.created_at),
  };
}

// Events written before attachments existed have no `attachments`: they had none.
function reviveDates(data: Exclude<EventJson, { messageId: string }>): DurableEventData {
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
