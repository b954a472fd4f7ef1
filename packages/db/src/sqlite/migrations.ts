import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  up: string;
}

// The schema, in order. Never edit an entry once released: append a new one.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL COLLATE NOCASE,
        email         TEXT NOT NULL COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        display_name  TEXT NOT NULL,
        bio           TEXT NOT NULL DEFAULT '',
        avatar_id     TEXT,
        created_at    INTEGER NOT NULL,
        last_seen_at  INTEGER,
        event_seq     INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE UNIQUE INDEX users_username ON users (username);
      CREATE UNIQUE INDEX users_email ON users (email);
      CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE);

      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        user_agent TEXT,
        ip         TEXT
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE refresh_tokens (
        hash       TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        created_at INTEGER NOT NULL,
        rotated_at INTEGER
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
    `,
  },
  {
    version: 2,
    up: `
      CREATE TABLE conversations (
        id              TEXT PRIMARY KEY,
        kind            TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        pair_key        TEXT UNIQUE,
        created_at      INTEGER NOT NULL,
        last_message_at INTEGER,
        last_seq        INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE conversation_members (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        user_id         TEXT NOT NULL REFERENCES users (id),
        delivered_seq   INTEGER NOT NULL DEFAULT 0,
        read_seq        INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX conversation_members_user ON conversation_members (user_id);

      CREATE TABLE messages (
        id                TEXT PRIMARY KEY,
        conversation_id   TEXT NOT NULL REFERENCES conversations (id),
        seq               INTEGER NOT NULL,
        sender_id         TEXT NOT NULL REFERENCES users (id),
        text              TEXT NOT NULL,
        attachment_ids    TEXT NOT NULL,
        client_message_id TEXT NOT NULL,
        created_at        INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX messages_client_id ON messages (sender_id, client_message_id);
      CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);

      CREATE TABLE events (
        user_id    TEXT NOT NULL REFERENCES users (id),
        id         INTEGER NOT NULL,
        data       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    up: `
      CREATE TABLE attachments (
        id              TEXT PRIMARY KEY,
        owner_id        TEXT NOT NULL REFERENCES users (id),
        kind            TEXT NOT NULL CHECK (kind IN ('image')),
        mime            TEXT NOT NULL,
        size            INTEGER NOT NULL,
        width           INTEGER NOT NULL,
        height          INTEGER NOT NULL,
        variants        TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        -- Claimed in the transaction that inserts the message, before its row exists.
        message_id      TEXT REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED,
        -- The conversation of that message, copied for the read check.
        conversation_id TEXT,
        is_avatar       INTEGER NOT NULL DEFAULT 0 CHECK (is_avatar IN (0, 1))
      ) STRICT;
      CREATE INDEX attachments_owner ON attachments (owner_id, is_avatar);
      CREATE INDEX attachments_message ON attachments (message_id);
      CREATE INDEX attachments_unused ON attachments (created_at)
        WHERE message_id IS NULL AND is_avatar = 0;

      ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
    `,
  },
];

// Brings the database up to the last migration, one transaction per migration, tracked by
// `PRAGMA user_version`. The version is re-read inside each write transaction, so processes
// opening the same file at once apply every migration exactly once. Returns the versions applied.
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  const latest = list.at(-1)?.version ?? 0;
  const found = userVersion(db);
  if (found > latest) {
    throw new Error(`database schema v${found} is newer than this build knows (v${latest})`);
  }
  const applied: number[] = [];
  for (const migration of list) {
    if (userVersion(db) >= migration.version) continue;
    const apply = db.transaction(() => {
      if (userVersion(db) >= migration.version) return;
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(migration.version);
    });
    apply.immediate();
  }
  return applied;
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
