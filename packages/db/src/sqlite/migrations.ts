import type Database from 'better-sqlite3-multiple-ciphers';
import { registerSearchTerms } from './search.ts';

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
  {
    // Groups, and one event log for the whole server instead of a copy of every event per member.
    version: 4,
    up: `
      ALTER TABLE conversations ADD COLUMN title TEXT;
      ALTER TABLE conversations ADD COLUMN avatar_id TEXT;
      ALTER TABLE conversations ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN created_by TEXT;
      ALTER TABLE conversations ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN closed_at INTEGER;
      -- The receipt marks last announced (JSON), to announce only changes.
      ALTER TABLE conversations ADD COLUMN receipt_marks TEXT;
      UPDATE conversations SET member_count =
        (SELECT count(*) FROM conversation_members AS m WHERE m.conversation_id = conversations.id);
      CREATE INDEX conversations_public ON conversations (member_count DESC, id)
        WHERE is_public = 1 AND closed_at IS NULL;

      ALTER TABLE conversation_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
        CHECK (role IN ('owner', 'admin', 'member'));
      ALTER TABLE conversation_members ADD COLUMN joined_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversation_members ADD COLUMN left_at INTEGER;
      UPDATE conversation_members SET joined_at =
        (SELECT created_at FROM conversations AS c WHERE c.id = conversation_id);
      CREATE INDEX members_delivered ON conversation_members (conversation_id, delivered_seq, user_id)
        WHERE left_at IS NULL;
      CREATE INDEX members_read ON conversation_members (conversation_id, read_seq, user_id)
        WHERE left_at IS NULL;

      -- What of a conversation each member may see: events and messages from their joining to
      -- their leaving, both inclusive (to_* null while a member).
      CREATE TABLE member_periods (
        user_id         TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        from_event      INTEGER NOT NULL,
        to_event        INTEGER,
        from_seq        INTEGER NOT NULL,
        to_seq          INTEGER,
        PRIMARY KEY (user_id, conversation_id, from_event)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO member_periods (user_id, conversation_id, from_event, from_seq)
        SELECT user_id, conversation_id, 0, 1 FROM conversation_members;

      ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'
        CHECK (kind IN ('text', 'system'));
      ALTER TABLE messages ADD COLUMN system TEXT;
      ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
      CREATE TABLE message_mentions (
        user_id         TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        PRIMARY KEY (user_id, conversation_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- One row per receipt that moved a position: when each member had and read each message.
      CREATE TABLE receipt_log (
        conversation_id TEXT NOT NULL,
        up_to_seq       INTEGER NOT NULL,
        user_id         TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('delivered', 'read')),
        at              INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, up_to_seq, user_id, kind)
      ) STRICT, WITHOUT ROWID;

      ALTER TABLE attachments ADD COLUMN group_avatar_of TEXT;
      DROP INDEX attachments_unused;
      CREATE INDEX attachments_unused ON attachments (created_at)
        WHERE message_id IS NULL AND is_avatar = 0 AND group_avatar_of IS NULL;
      CREATE INDEX attachments_group_avatar ON attachments (group_avatar_of)
        WHERE group_avatar_of IS NOT NULL;

      -- The log: ids grow by one per event in commit order (the rowid). An event concerns a
      -- conversation or a user. Ids of the per-user streams of version 3 are all below the first
      -- id of the log (an origin row with neither), so old resume points are recognised as void.
      CREATE TABLE event_log (
        id              INTEGER PRIMARY KEY,
        conversation_id TEXT,
        user_id         TEXT,
        data            TEXT NOT NULL,
        created_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX event_log_conversation ON event_log (conversation_id, id)
        WHERE conversation_id IS NOT NULL;
      CREATE INDEX event_log_user ON event_log (user_id, id) WHERE user_id IS NOT NULL;
      INSERT INTO event_log (id, data, created_at)
        SELECT max(id), '{"type":"log.origin"}', 0 FROM events HAVING max(id) IS NOT NULL;
      DROP TABLE events;
    `,
  },
  {
    // Message actions: replies, edits, deletions, reactions, pins, deleting for oneself, forwards.
    version: 5,
    up: `
      ALTER TABLE messages ADD COLUMN reply_to_id TEXT;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
      ALTER TABLE messages ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0 CHECK (forwarded IN (0, 1));

      CREATE TABLE message_reactions (
        message_id TEXT NOT NULL,
        emoji      TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, emoji, user_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE pinned_messages (
        conversation_id TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        pinned_by       TEXT NOT NULL,
        pinned_at       INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, message_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX pinned_messages_message ON pinned_messages (message_id);
      CREATE INDEX message_mentions_message ON message_mentions (conversation_id, seq);

      -- Deleted for one user only (by seq, as history reads it).
      CREATE TABLE hidden_messages (
        user_id         TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        PRIMARY KEY (user_id, conversation_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- A forwarded attachment is a new record using the files of the one it came from.
      ALTER TABLE attachments ADD COLUMN blob_id TEXT;
      CREATE INDEX attachments_blob ON attachments (blob_id) WHERE blob_id IS NOT NULL;
    `,
  },
  {
    // Safety and privacy: blocking, privacy settings, reports.
    version: 6,
    up: `
      CREATE TABLE blocks (
        blocker_id TEXT NOT NULL,
        blocked_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

      ALTER TABLE users ADD COLUMN last_seen_visibility TEXT NOT NULL DEFAULT 'everyone'
        CHECK (last_seen_visibility IN ('everyone', 'contacts', 'nobody'));
      ALTER TABLE users ADD COLUMN read_receipts INTEGER NOT NULL DEFAULT 1 CHECK (read_receipts IN (0, 1));
      ALTER TABLE users ADD COLUMN notification_previews INTEGER NOT NULL DEFAULT 1
        CHECK (notification_previews IN (0, 1));

      CREATE TABLE reports (
        id          TEXT PRIMARY KEY,
        reporter_id TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        message_id  TEXT,
        reason      TEXT NOT NULL,
        details     TEXT NOT NULL,
        context     TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        resolved_by TEXT,
        resolution  TEXT,
        resolved_at INTEGER
      ) STRICT;
      CREATE INDEX reports_status ON reports (status, created_at, id);
    `,
  },
  {
    // Find and notice: message search, how each user keeps a conversation, Web Push.
    version: 7,
    up: `
      -- Text messages as searchable words (the text itself stays in messages): case and accents
      -- folded, prefixes of three characters indexed for as-you-type matching, and the
      -- conversation as one token ('c' + its id in hex) so that a query names the conversations
      -- it may look in. The rowid is the message's. Kept in step with sends, edits and
      -- deletions (a tombstone has no text, so no words) by the triggers, in their transaction.
      CREATE VIRTUAL TABLE message_search USING fts5(
        text, conv,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3'
      );
      INSERT INTO message_search (rowid, text, conv)
        SELECT rowid, text, 'c' || hex(conversation_id) FROM messages
        WHERE kind = 'text' AND deleted_at IS NULL AND text <> '';
      CREATE TRIGGER message_search_insert AFTER INSERT ON messages
        WHEN new.kind = 'text' AND new.text <> ''
      BEGIN
        INSERT INTO message_search (rowid, text, conv)
          VALUES (new.rowid, new.text, 'c' || hex(new.conversation_id));
      END;
      CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
        WHEN new.kind = 'text'
      BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
        INSERT INTO message_search (rowid, text, conv)
          SELECT new.rowid, new.text, 'c' || hex(new.conversation_id) WHERE new.text <> '';
      END;
      CREATE TRIGGER message_search_delete AFTER DELETE ON messages
      BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
      END;

      -- How one user keeps one conversation (a row only once they changed something).
      CREATE TABLE conversation_settings (
        user_id         TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        muted_until     INTEGER,
        pinned_at       INTEGER,
        archived_at     INTEGER,
        marked_unread   INTEGER NOT NULL DEFAULT 0 CHECK (marked_unread IN (0, 1)),
        PRIMARY KEY (user_id, conversation_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX conversation_settings_pinned ON conversation_settings (user_id, pinned_at)
        WHERE pinned_at IS NOT NULL;

      -- Web Push: one subscription per device, made by (and ending with) a session.
      CREATE TABLE push_subscriptions (
        endpoint   TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users (id),
        session_id TEXT NOT NULL REFERENCES sessions (id),
        p256dh     TEXT NOT NULL,
        auth       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
      CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);
    `,
  },
  {
    // Safety: which hidden copies were withheld (blocked) rather than deleted for oneself, so
    // that message info shows a member a message was withheld from as not delivered.
    version: 8,
    up: `
      ALTER TABLE hidden_messages ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX hidden_messages_withheld ON hidden_messages (conversation_id, seq)
        WHERE withheld = 1;
    `,
  },
  {
    // Link previews: what a page said about itself (or why it had no preview), kept for a while.
    version: 9,
    up: `
      CREATE TABLE link_previews (
        url        TEXT PRIMARY KEY,
        preview    TEXT,
        failure    TEXT,
        expires_at INTEGER NOT NULL,
        CHECK ((preview IS NULL) <> (failure IS NULL))
      ) STRICT;
      CREATE INDEX link_previews_expiry ON link_previews (expires_at);
    `,
  },
  {
    // Files and voice notes: attachments of every kind. SQLite cannot change a CHECK, so the
    // table is rebuilt (nothing references it); the image columns become nullable.
    version: 10,
    up: `
      CREATE TABLE attachments_of_every_kind (
        id              TEXT PRIMARY KEY,
        owner_id        TEXT NOT NULL REFERENCES users (id),
        kind            TEXT NOT NULL CHECK (kind IN ('image', 'file', 'voice')),
        mime            TEXT NOT NULL,
        size            INTEGER NOT NULL,
        -- Images: of the upload, and the variants (JSON).
        width           INTEGER,
        height          INTEGER,
        variants        TEXT,
        -- Files: the name, made safe.
        name            TEXT,
        -- Voice notes: as read from the container.
        duration_ms     INTEGER,
        created_at      INTEGER NOT NULL,
        message_id      TEXT REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED,
        conversation_id TEXT,
        is_avatar       INTEGER NOT NULL DEFAULT 0 CHECK (is_avatar IN (0, 1)),
        group_avatar_of TEXT,
        blob_id         TEXT,
        CHECK ((kind = 'image') = (width IS NOT NULL AND height IS NOT NULL AND variants IS NOT NULL)),
        CHECK ((kind = 'file') = (name IS NOT NULL)),
        CHECK ((kind = 'voice') = (duration_ms IS NOT NULL))
      ) STRICT;
      INSERT INTO attachments_of_every_kind
        (id, owner_id, kind, mime, size, width, height, variants, created_at, message_id,
         conversation_id, is_avatar, group_avatar_of, blob_id)
        SELECT id, owner_id, kind, mime, size, width, height, variants, created_at, message_id,
          conversation_id, is_avatar, group_avatar_of, blob_id
        FROM attachments;
      DROP TABLE attachments;
      ALTER TABLE attachments_of_every_kind RENAME TO attachments;
      CREATE INDEX attachments_owner ON attachments (owner_id, is_avatar);
      CREATE INDEX attachments_message ON attachments (message_id);
      CREATE INDEX attachments_unused ON attachments (created_at)
        WHERE message_id IS NULL AND is_avatar = 0 AND group_avatar_of IS NULL;
      CREATE INDEX attachments_group_avatar ON attachments (group_avatar_of)
        WHERE group_avatar_of IS NOT NULL;
      CREATE INDEX attachments_blob ON attachments (blob_id) WHERE blob_id IS NOT NULL;
    `,
  },
  {
    // Search terms of their conversation. Version 7 kept one term per word for every
    // conversation and the conversation as a term of its own, so finding my matches meant
    // walking everybody's (30-50 ms a search over a million messages). Now each word is a term
    // of its conversation, made by search_terms() (registered by the store on each connection):
    // each distinct word once, folded as search.ts folds it; no positions (ranking and snippets
    // are computed from the text), so 'detail = none'.
    version: 11,
    up: `
      DROP TRIGGER message_search_insert;
      DROP TRIGGER message_search_update;
      DROP TRIGGER message_search_delete;
      DROP TABLE message_search;
      CREATE VIRTUAL TABLE message_search USING fts5(
        terms,
        content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
      );
      INSERT INTO message_search (rowid, terms)
        SELECT rowid, search_terms(conversation_id, text) FROM messages
        WHERE kind = 'text' AND deleted_at IS NULL AND text <> '';
      CREATE TRIGGER message_search_insert AFTER INSERT ON messages
        WHEN new.kind = 'text' AND new.text <> ''
      BEGIN
        INSERT INTO message_search (rowid, terms)
          VALUES (new.rowid, search_terms(new.conversation_id, new.text));
      END;
      CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
        WHEN new.kind = 'text'
      BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
        INSERT INTO message_search (rowid, terms)
          SELECT new.rowid, search_terms(new.conversation_id, new.text) WHERE new.text <> '';
      END;
      CREATE TRIGGER message_search_delete AFTER DELETE ON messages
      BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
      END;
    `,
  },
];

// Brings the database up to the last migration, one transaction per migration, tracked by
// `PRAGMA user_version`. The version is re-read inside each write transaction, so processes
// opening the same file at once apply every migration exactly once. Returns the versions applied.
// The functions the schema's triggers call are registered on the connection first: a connection
// writes messages only once migrated.
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  registerSearchTerms(db);
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
