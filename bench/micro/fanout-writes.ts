/**
 * Write amplification of the two ways to store a conversation's events for its members, on
 * SQLite as Parley uses it (WAL, 4 KiB pages): a row per member per event, clustered by user
 * (Parley's first design), or one row per event in a log read through membership (the design
 * chosen). Bytes appended to the WAL per message, for groups of N, committing every message
 * alone and in batches of 16 (group commit). `pnpm --filter @parley/bench fanout-writes`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const MESSAGES = 400;
const GROUPS = 20;
const DATA = JSON.stringify({
  type: 'message.new',
  messageId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
});

function walBytesPerMessage(design: 'per-member' | 'log', members: number, batch: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-fanout-'));
  const file = path.join(dir, 'x.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec(`
      CREATE TABLE events (user_id TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (user_id, id)) STRICT, WITHOUT ROWID;
      CREATE TABLE event_log (id INTEGER PRIMARY KEY, conversation_id TEXT, user_id TEXT,
        data TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
      CREATE INDEX event_log_conversation ON event_log (conversation_id, id) WHERE conversation_id IS NOT NULL;
    `);
    const users = Array.from(
      { length: GROUPS * members },
      (_, i) => `user-${String(i).padStart(6, '0')}-0190a1b2c3d4`,
    );
    const perMember = db.prepare(
      'INSERT INTO events (user_id, id, data, created_at) VALUES (?, ?, ?, ?)',
    );
    const log = db.prepare(
      'INSERT INTO event_log (conversation_id, data, created_at) VALUES (?, ?, ?)',
    );
    const next = new Map<string, number>();
    const write = (m: number) => {
      const g = m % GROUPS;
      if (design === 'log') return void log.run(`conversation-${g}-0190a1b2c3d4`, DATA, Date.now());
      for (let u = 0; u < members; u++) {
        const user = users[g * members + u]!;
        const id = (next.get(user) ?? 0) + 1;
        next.set(user, id);
        perMember.run(user, id, DATA, Date.now());
      }
    };
    const commit = db.transaction((from: number, to: number) => {
      for (let m = from; m < to; m++) write(m);
    });
    // Warm: every user's and conversation's pages exist before measuring.
    for (let m = 0; m < GROUPS * 2; m += batch) commit(m, m + batch);
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (let m = 0; m < MESSAGES; m += batch) commit(m, Math.min(MESSAGES, m + batch));
    return statSync(`${file}-wal`).size / MESSAGES;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log('members | per-member rows, 1 / 16 per commit | one log row, 1 / 16 per commit');
for (const members of [2, 20, 256, 1000, 5000]) {
  const cells = (['per-member', 'log'] as const).map(
    (design) =>
      `${kb(walBytesPerMessage(design, members, 1))} / ${kb(walBytesPerMessage(design, members, 16))}`,
  );
  console.log(`${members} | ${cells.join(' | ')}`);
}
