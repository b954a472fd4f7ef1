import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/** The message shape Parley stores (without attachments), as a tutorial's chat would keep it. */
export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  recipientId: string;
  text: string;
  clientMessageId: string;
  createdAt: string;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: string;
  recipient_id: string;
  text: string;
  client_message_id: string;
  created_at: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    sender_id TEXT NOT NULL REFERENCES users(id),
    recipient_id TEXT NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (sender_id, client_message_id)
  );
  CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, created_at);
`;

/** A direct conversation is named by its two members, whoever writes first. */
export function conversationOf(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    recipientId: row.recipient_id,
    text: row.text,
    clientMessageId: row.client_message_id,
    createdAt: row.created_at,
  };
}

export type ChatDatabase = ReturnType<typeof openDatabase>;

/** One better-sqlite3 connection in WAL mode, with the durability setting Parley's store uses. */
export function openDatabase(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);

  const insertUser = db.prepare<[string, string, string]>(
    'INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)',
  );
  const userByName = db.prepare<[string], { id: string; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE username = ?',
  );
  const insertMessage = db.prepare<[MessageRow]>(
    `INSERT INTO messages (id, conversation_id, sender_id, recipient_id, text, client_message_id, created_at)
     VALUES (@id, @conversation_id, @sender_id, @recipient_id, @text, @client_message_id, @created_at)
     ON CONFLICT (sender_id, client_message_id) DO NOTHING`,
  );
  const messageByClientId = db.prepare<[string, string], MessageRow>(
    'SELECT * FROM messages WHERE sender_id = ? AND client_message_id = ?',
  );
  const page = db.prepare<[string, string, number], MessageRow>(
    `SELECT * FROM messages WHERE conversation_id = ? AND created_at < ?
     ORDER BY created_at DESC LIMIT ?`,
  );

  return {
    createUser(username: string, passwordHash: string): string {
      const id = randomUUID();
      insertUser.run(id, username, passwordHash);
      return id;
    },

    findUser(username: string) {
      return userByName.get(username);
    },

    /**
     * Stores a message; a retry with the same (sender, clientMessageId) returns the original.
     * An unknown recipient fails the foreign key.
     */
    saveMessage(input: {
      senderId: string;
      recipientId: string;
      text: string;
      clientMessageId: string;
    }): { message: Message; created: boolean } {
      const row: MessageRow = {
        id: randomUUID(),
        conversation_id: conversationOf(input.senderId, input.recipientId),
        sender_id: input.senderId,
        recipient_id: input.recipientId,
        text: input.text,
        client_message_id: input.clientMessageId,
        created_at: new Date().toISOString(),
      };
      if (insertMessage.run(row).changes === 1) return { message: toMessage(row), created: true };
      return {
        message: toMessage(messageByClientId.get(input.senderId, input.clientMessageId)!),
        created: false,
      };
    },

    /** Newest first, older than `before` (an ISO time). */
    history(userId: string, peerId: string, before: string, limit: number): Message[] {
      return page.all(conversationOf(userId, peerId), before, limit).map(toMessage);
    },

    close: () => db.close(),
  };
}
