import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../contract/index.ts';
import { actionSql } from './actions.ts';
import { attachmentSql } from './attachments.ts';
import { createUsers, send } from '../contract/fixtures.ts';
import type { SendResult } from '../types.ts';
import { conversationSql } from './conversations.ts';
import { openDatabase } from './database.ts';
import { eventSql } from './events.ts';
import { groupSql } from './groups.ts';
import { hydrateSql } from './hydrate.ts';
import { openSqliteStore } from './index.ts';
import { messageSql } from './messages.ts';
import { periodSql } from './periods.ts';
import { pushSql } from './push.ts';
import { migrate, migrations, userVersion } from './migrations.ts';
import { receiptSql } from './receipts.ts';
import { searchSql } from './search.ts';
import { settingsSql } from './settings.ts';
import { safetySql } from './safety.ts';
import { sessionSql } from './sessions.ts';
import { userSql } from './users.ts';

const dir = join(tmpdir(), `parley-sqlite-${randomUUID()}`);
const tempPath = () => join(dir, `${randomUUID()}.db`);
const latest = migrations.at(-1)?.version;

type Insert = (sql: string, ...params: unknown[]) => void;

/**
 * A new file migrated only up to `version` (as an older release left it), with the rows
 * `fill` inserts; returns its path.
 */
function oldFile(version: number, fill: (insert: Insert) => void): string {
  const path = tempPath();
  mkdirSync(dir, { recursive: true });
  const db = new Database(path);
  try {
    expect(migrate(db, migrations.slice(0, version))).toEqual(
      Array.from({ length: version }, (_, n) => n + 1),
    );
    fill((sql, ...params) => db.prepare(sql).run(...params));
  } finally {
    db.close();
  }
  return path;
}

/** Olga and Pete (ids u-olga, u-pete) as rows of an old file's users table. */
function insertOlgaAndPete(insert: Insert) {
  for (const name of ['olga', 'pete'])
    insert(
      `INSERT INTO users (id, username, email, password_hash, display_name, created_at)
       VALUES (?, ?, ?, 'h', ?, 0)`,
      `u-${name}`,
      name,
      `${name}@example.com`,
      name,
    );
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

runStoreContract('sqlite', () => openSqliteStore(tempPath()));

describe('sqlite file', () => {
  it('creates missing parent directories', async () => {
    const path = join(dir, 'nested', 'deeper', 'parley.db');

    const store = await openSqliteStore(path);
    await store.close();

    expect(existsSync(path)).toBe(true);
  });

  it('configures the connection for several processes', () => {
    const db = openDatabase(tempPath());
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      db.close();
    }
  });

  it('syncs every commit when asked for full durability', () => {
    const db = openDatabase(tempPath(), null, 'full');
    try {
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('keeps users, messages and event counters when reopened', async () => {
    const path = tempPath();
    const first = await openSqliteStore(path);
    const [alice, bob] = await createUsers(first, 'alice', 'bob');
    await send(first, alice, bob);
    await send(first, bob, alice);
    await first.close();

    const second = await openSqliteStore(path);
    try {
      expect(await second.getUser(alice.id)).toEqual(alice);
      expect(await second.lastEventId()).toBe(2);
      const next = await send(second, alice, bob);
      expect(next.message.seq).toBe(3);
      expect(next.events.map((event) => event.id)).toEqual([3]);
    } finally {
      await second.close();
    }
  });

  it('serialises writes from two connections to the same file', async () => {
    const path = tempPath();
    const one = await openSqliteStore(path);
    const two = await openSqliteStore(path);
    try {
      const [alice, bob] = await createUsers(one, 'alice', 'bob');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, n) => send(n % 2 ? one : two, alice, bob, `m${n}`)),
      );
      const retried = await Promise.all(
        [one, two].map((store) => send(store, alice, bob, 'x', 'same')),
      );

      expect(results.map((result) => result.message.seq).toSorted((a, b) => a - b)).toEqual(
        Array.from({ length: 10 }, (_, n) => n + 1),
      );
      expect(retried.filter((result) => result.created)).toHaveLength(1);
      const events = await two.listEvents({ afterId: 0, limit: 100 });
      expect(events.map((event) => event.id)).toEqual(Array.from({ length: 11 }, (_, n) => n + 1));
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('sqlite migrations', () => {
  it('applies every migration to a new file, and none when reopened', () => {
    const path = tempPath();
    const db = openDatabase(path);
    expect(userVersion(db)).toBe(latest);
    expect(migrate(db)).toEqual([]);
    db.close();

    const reopened = new Database(path);
    try {
      expect(migrate(reopened)).toEqual([]);
      expect(userVersion(reopened)).toBe(latest);
    } finally {
      reopened.close();
    }
  });

  it('upgrades a v1 file, keeping its data', async () => {
    const path = oldFile(1, (insert) =>
      insert(
        `INSERT INTO users (id, username, email, password_hash, display_name, created_at)
         VALUES ('u-old', 'olga', 'olga@example.com', 'h', 'Olga', 0)`,
      ),
    );

    const store = await openSqliteStore(path);
    try {
      const [bob] = await createUsers(store, 'bob');
      const olga = await store.getUser('u-old');
      expect(olga?.username).toBe('olga');
      expect((await send(store, olga!, bob)).created).toBe(true);
    } finally {
      await store.close();
    }
    const db = new Database(path);
    expect(userVersion(db)).toBe(latest);
    db.close();
  });

  it('upgrades a v3 file: its conversations stay readable and old resume points are void', async () => {
    const path = oldFile(3, (insert) => {
      insertOlgaAndPete(insert);
      insert(
        `INSERT INTO conversations (id, kind, pair_key, created_at, last_message_at, last_seq)
         VALUES ('c-1', 'direct', 'u-olga:u-pete', 0, 1000, 2)`,
      );
      for (const user of ['u-olga', 'u-pete'])
        insert(
          `INSERT INTO conversation_members (conversation_id, user_id) VALUES ('c-1', ?)`,
          user,
        );
      for (const seq of [1, 2])
        insert(
          `INSERT INTO messages (id, conversation_id, seq, sender_id, text, attachment_ids,
             client_message_id, created_at)
           VALUES (?, 'c-1', ?, 'u-olga', ?, '[]', ?, ?)`,
          `m-${seq}`,
          seq,
          `old ${seq}`,
          `cm-${seq}`,
          seq * 500,
        );
      for (const [user, id] of [
        ['u-olga', 1],
        ['u-olga', 2],
        ['u-pete', 1],
        ['u-pete', 2],
        ['u-pete', 3],
      ])
        insert(
          `INSERT INTO events (user_id, id, data, created_at) VALUES (?, ?, '{}', 0)`,
          user,
          id,
        );
    });

    const store = await openSqliteStore(path);
    try {
      expect(await store.firstEventId()).toBe(4);
      expect(await store.lastEventId()).toBe(3);
      const history = await store.listMessages({
        conversationId: 'c-1',
        userId: 'u-pete',
        limit: 10,
      });
      expect(history.map((m) => [m.text, m.kind, m.mentions])).toEqual([
        ['old 1', 'text', []],
        ['old 2', 'text', []],
      ]);
      const [summary] = (await store.listConversations({ userId: 'u-pete', limit: 5 })).items;
      expect(summary).toMatchObject({ peerId: 'u-olga', unreadCount: 2 });
      expect(summary?.conversation).toMatchObject({ kind: 'direct', memberCount: 2, title: null });
      const olga = (await store.getUser('u-olga'))!;
      const pete = (await store.getUser('u-pete'))!;
      const next = await send(store, pete, olga, 'new');
      expect(next.message.seq).toBe(3);
      expect(next.events.map((e) => e.id)).toEqual([4]);
      const stream = await store.listUserEvents({
        userId: 'u-olga',
        afterId: 0,
        upToId: 10,
        limit: 10,
      });
      expect(stream.map((e) => e.id)).toEqual([4]);
    } finally {
      await store.close();
    }
  });

  it('upgrades a v5 file: its text messages become searchable, tombstones and system lines not', async () => {
    const path = oldFile(5, (insert) => {
      insertOlgaAndPete(insert);
      insert(
        `INSERT INTO conversations (id, kind, pair_key, created_at, last_message_at, last_seq, member_count)
         VALUES ('c-1', 'direct', 'u-olga:u-pete', 0, 3000, 3, 2)`,
      );
      for (const user of ['u-olga', 'u-pete']) {
        insert(
          `INSERT INTO conversation_members (conversation_id, user_id) VALUES ('c-1', ?)`,
          user,
        );
        insert(
          `INSERT INTO member_periods (user_id, conversation_id, from_event, from_seq) VALUES (?, 'c-1', 0, 1)`,
          user,
        );
      }
      const messages: [number, string, string, number | null][] = [
        [1, 'text', 'Rendez-vous au café', null],
        [2, 'text', '', 2500],
        [3, 'system', '', null],
      ];
      for (const [seq, kind, text, deletedAt] of messages)
        insert(
          `INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, attachment_ids,
             client_message_id, created_at, deleted_at)
           VALUES (?, 'c-1', ?, ?, 'u-olga', ?, '[]', ?, ?, ?)`,
          `m-${seq}`,
          seq,
          kind,
          text,
          `cm-${seq}`,
          seq * 1000,
          deletedAt,
        );
    });

    const store = await openSqliteStore(path);
    try {
      const found = await store.searchMessages({ userId: 'u-pete', query: 'cafe', limit: 10 });
      expect(found.items.map((hit) => hit.message.id)).toEqual(['m-1']);
      const raw = new Database(path, { readonly: true });
      expect(raw.prepare('SELECT rowid FROM message_search').pluck().all()).toHaveLength(1);
      raw.close();
    } finally {
      await store.close();
    }
  });

  it('rolls back a migration that fails', () => {
    const db = new Database(tempPath());
    try {
      const broken = {
        version: migrations.length + 1,
        up: 'CREATE TABLE half (a); SELECT nope FROM missing',
      };

      expect(() => migrate(db, [...migrations, broken])).toThrow(/missing/);
      expect(userVersion(db)).toBe(latest);
      expect(
        db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).pluck().get(),
      ).toBe(0);
    } finally {
      db.close();
    }
  });

  it('refuses a file from a newer schema', async () => {
    const path = tempPath();
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 5}`);
    db.close();

    await expect(openSqliteStore(path)).rejects.toThrow(/newer/);
  });
});

describe('sqlite query plans', () => {
  const statements = Object.entries({
    userSql,
    sessionSql,
    messageSql,
    conversationSql,
    receiptSql,
    eventSql,
    attachmentSql,
    groupSql,
    periodSql,
    actionSql,
    hydrateSql,
    searchSql,
    settingsSql,
    pushSql,
    safetySql,
  }).flatMap(([group, sqls]) =>
    Object.entries(sqls).map(([name, sql]) => ({ name: `${group}.${name}`, sql })),
  );

  function plan(db: Database.Database, sql: string): string[] {
    const params = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((match) => [match[1], 'x']));
    const positional = Array.from(sql.matchAll(/\?/g), () => 'x');
    const args = Object.keys(params).length > 0 ? [params] : positional;
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
    return rows.map((row) => row.detail);
  }

  it.each(statements)('$name reads through indexes, never scanning a table', ({ sql }) => {
    const db = openDatabase(tempPath());
    try {
      const scans = plan(db, sql).filter(
        (detail) => detail.startsWith('SCAN') && !detail.includes('VIRTUAL TABLE'),
      );
      expect(scans).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('uses the intended index for each hot query', () => {
    const db = openDatabase(tempPath());
    try {
      expect(plan(db, messageSql.byClientId).join('\n')).toContain('messages_client_id');
      expect(plan(db, messageSql.before).join('\n')).toMatch(
        /messages_conversation_seq \(conversation_id=\? AND seq>\? AND seq<\?\)/,
      );
      expect(plan(db, conversationSql.byPairKey).join('\n')).toMatch(/\(pair_key=\?\)/);
      expect(plan(db, conversationSql.page).join('\n')).toContain(
        'conversation_members_user (user_id=?)',
      );
      expect(plan(db, conversationSql.unread).join('\n')).toMatch(
        /messages_conversation_seq \(conversation_id=\? AND seq>\? AND seq<\?\)/,
      );
      expect(plan(db, eventSql.after).join('\n')).toContain('INTEGER PRIMARY KEY (rowid>?)');
      const replay = plan(db, eventSql.forUser).join('\n');
      expect(replay).toContain('event_log_conversation (conversation_id=? AND id>? AND id<?)');
      expect(replay).toContain('event_log_user (user_id=? AND id>? AND id<?)');
      expect(plan(db, receiptSql.lowestRead).join('\n')).toContain(
        'members_read (conversation_id=?)',
      );
      const users = plan(db, userSql.search).join('\n');
      expect(users).toContain('users_username (username>? AND username<?)');
      expect(users).toContain('users_display_name (display_name>? AND display_name<?)');
      expect(plan(db, userSql.page).join('\n')).toContain('users_username (username>?)');
      expect(plan(db, attachmentSql.unused).join('\n')).toContain(
        'attachments_unused (created_at<?)',
      );
      const search = plan(db, searchSql.candidates).join('\n');
      expect(search).toMatch(/SCAN s VIRTUAL TABLE INDEX/);
      expect(search).not.toContain('TEMP B-TREE');
      const targets = plan(db, pushSql.targets).join('\n');
      expect(targets).toContain('SEARCH m USING PRIMARY KEY (conversation_id=?)');
      expect(targets).toContain('push_subscriptions_user (user_id=?)');
      expect(plan(db, attachmentSql.releaseAvatar).join('\n')).toContain(
        'attachments_owner (owner_id=? AND is_avatar=?)',
      );
    } finally {
      db.close();
    }
  });
});

describe('group commit', () => {
  it('commits the sends of one turn together, each acknowledged only once stored', async () => {
    const path = tempPath();
    const store = await openSqliteStore(path);
    const reader = new Database(path, { readonly: true });
    try {
      const [alice, bob, carol] = await createUsers(store, 'alice', 'bob', 'carol');
      const committedBefore = reader.pragma('data_version', { simple: true });
      const stored = () => reader.prepare('SELECT count(*) FROM messages').pluck().get() as number;
      const sends = [
        ...Array.from({ length: 20 }, (_, n) =>
          send(store, n % 2 ? alice : bob, n % 2 ? bob : alice, `m${n}`, `cm-${n}`),
        ),
        send(store, carol, alice, 'again', 'cm-dup'),
        send(store, carol, alice, 'again', 'cm-dup'),
      ];
      const results = await Promise.all(sends.map((p) => p.then((r) => ({ r, seen: stored() }))));
      // Every promise resolved after the commit: another connection already sees all of them.
      expect(results.every(({ seen }) => seen === 21)).toBe(true);
      expect(results.slice(0, 20).map(({ r }) => r.message.seq)).toEqual(
        Array.from({ length: 20 }, (_, n) => n + 1),
      );
      const [first, retry] = results.slice(20).map(({ r }) => r);
      expect(retry!.message).toEqual(first!.message);
      expect([first!.created, retry!.created]).toEqual([true, false]);
      // One write transaction for the whole turn.
      expect(reader.pragma('data_version', { simple: true })).toBe((committedBefore as number) + 1);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('fails only the send that failed', async () => {
    const store = await openSqliteStore(tempPath());
    try {
      const [alice, bob] = await createUsers(store, 'alice', 'bob');
      const ghost = { ...bob, id: randomUUID() };
      const outcomes = await Promise.allSettled([
        send(store, alice, bob, 'one'),
        send(store, alice, ghost, 'lost'),
        send(store, bob, alice, 'two'),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const history = await store.listMessages({
        conversationId: (outcomes[0] as PromiseFulfilledResult<SendResult>).value.message
          .conversationId,
        userId: alice.id,
        limit: 10,
      });
      expect(history.map((m) => m.text)).toEqual(['one', 'two']);
      expect(await store.lastEventId()).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('commits queued sends before closing', async () => {
    const path = tempPath();
    const store = await openSqliteStore(path);
    const [alice, bob] = await createUsers(store, 'alice', 'bob');
    const pending = send(store, alice, bob, 'last words');
    await store.close();
    const { message } = await pending;
    const reopened = await openSqliteStore(path);
    try {
      expect(await reopened.getMessage(message.id)).toMatchObject({ text: 'last words' });
    } finally {
      await reopened.close();
    }
  });
});

describe('event rows', () => {
  /** The data column of every event_log row, read through a separate read-only connection. */
  function eventLogData(path: string): string[] {
    const raw = new Database(path, { readonly: true });
    try {
      return raw.prepare('SELECT data FROM event_log').pluck().all() as string[];
    } finally {
      raw.close();
    }
  }

  it('keep a message.new event as a reference to the message', async () => {
    const path = tempPath();
    const store = await openSqliteStore(path);
    try {
      const [alice, bob] = await createUsers(store, 'alice', 'bob');
      const { message } = await send(store, alice, bob, 'by reference');
      expect(eventLogData(path)).toEqual([
        JSON.stringify({
          type: 'message.new',
          messageId: message.id,
          members: { joined: [alice.id, bob.id], left: [] },
        }),
      ]);
      expect((await store.listEvents({ afterId: 0, limit: 10 }))[0]?.data).toEqual({
        type: 'message.new',
        message,
      });
    } finally {
      await store.close();
    }
  });

  it('keep edits and deletions as references too: the log holds no earlier text', async () => {
    const path = tempPath();
    const store = await openSqliteStore(path);
    try {
      const [alice, bob] = await createUsers(store, 'alice', 'bob');
      const { message } = await send(store, alice, bob, 'regrettable words');
      const base = { messageId: message.id, actorId: alice.id, notBefore: new Date(0) };
      await store.actOnMessage(
        { ...base, type: 'edit', text: 'kinder words', mentionUsernames: [] },
        new Date(),
      );
      await store.actOnMessage({ ...base, type: 'delete', adminRoles: [] }, new Date());
      expect(eventLogData(path).map((row) => JSON.parse(row) as unknown)).toEqual([
        expect.objectContaining({ type: 'message.new', messageId: message.id }),
        { type: 'message.edited', messageId: message.id },
        { type: 'message.deleted', messageId: message.id },
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('background checkpoints', () => {
  it('copy the WAL into the database file off the writer, and stop on close', async () => {
    const path = tempPath();
    const store = await openSqliteStore(path);
    const [alice, bob] = await createUsers(store, 'alice', 'bob');
    const sizeBefore = statSync(path).size;
    await Promise.all(Array.from({ length: 200 }, (_, n) => send(store, alice, bob, `m${n}`)));
    const deadline = Date.now() + 5000;
    while (statSync(path).size === sizeBefore && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // The writer's own autocheckpoint is far above 200 sends: the thread did this.
    expect(statSync(path).size).toBeGreaterThan(sizeBefore);
    await store.close();
    const reopened = await openSqliteStore(path);
    try {
      expect(await reopened.lastEventId()).toBe(200);
    } finally {
      await reopened.close();
    }
  });
});
