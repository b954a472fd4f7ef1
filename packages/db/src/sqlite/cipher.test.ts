import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../contract/index.ts';
import { createUsers, send } from '../contract/fixtures.ts';
import type { Store } from '../store.ts';
import { startCheckpointer } from './checkpointer.ts';
import { DatabaseKeyError, rekeyDatabase } from './cipher.ts';
import { openDatabase } from './database.ts';
import { openSqliteStore } from './index.ts';

const root = join(tmpdir(), `parley-cipher-${randomUUID()}`);
/** A fresh directory with the path of a database file in it. */
const tempPath = () => join(root, randomUUID(), 'parley.db');
const key = () => randomBytes(32);

afterAll(() => rmSync(root, { recursive: true, force: true }));

runStoreContract('sqlite, encrypted', () => openSqliteStore(tempPath(), key()));

/** The files beside the database: its own, and any left by the cipher's work. */
const filesBeside = (path: string) => readdirSync(dirname(path)).toSorted();

function hashesBeside(path: string): Record<string, string> {
  return Object.fromEntries(
    filesBeside(path).map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(join(dirname(path), file)))
        .digest('hex'),
    ]),
  );
}

function holds(file: string, text: string): boolean {
  return existsSync(file) && readFileSync(file).includes(text);
}

async function storeWithMessages(path: string, masterKey: Buffer | null, texts: string[]) {
  const store = await openSqliteStore(path, masterKey);
  const [alice, bob] = await createUsers(store, 'alice', 'bob');
  for (const text of texts) await send(store, alice, bob, text);
  return { store, alice, bob };
}

async function textsIn(store: Store, userId: string): Promise<string[]> {
  const [conversation] = (await store.listConversations({ userId, limit: 10 })).items;
  const messages = await store.listMessages({
    conversationId: conversation!.conversation.id,
    userId,
    limit: 100,
  });
  return messages.map((m) => m.text);
}

describe('encrypted sqlite file', () => {
  it('holds no plaintext of a message, in the file or its WAL, and reads it back', async () => {
    const path = tempPath();
    const masterKey = key();
    const marker = `PARLEY-MARKER-${randomUUID()}`;
    const { store, bob } = await storeWithMessages(path, masterKey, [`secret: ${marker}`]);
    try {
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect(holds(file, 'PARLEY-MARKER'), file).toBe(false);
        expect(holds(file, marker.toLowerCase()), file).toBe(false);
        expect(holds(file, 'SQLite format 3'), file).toBe(false);
      }
      expect(await textsIn(store, bob.id)).toEqual([`secret: ${marker}`]);
    } finally {
      await store.close();
    }
    const reopened = await openSqliteStore(path, masterKey);
    expect(await textsIn(reopened, bob.id)).toEqual([`secret: ${marker}`]);
    await reopened.close();
  });

  it('keys the checkpointer thread: it copies the WAL into the encrypted file', async () => {
    const path = tempPath();
    const masterKey = key();
    const db = openDatabase(path, masterKey);
    // The writer never checkpoints: whatever reaches the file, the thread copied.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE filler (bytes BLOB)');
    const fill = db.prepare('INSERT INTO filler VALUES (randomblob(4000))');
    for (let n = 0; n < 100; n++) fill.run();
    const walled = statSync(path).size;
    const checkpointer = startCheckpointer(path, masterKey, 20);
    try {
      await expect
        .poll(() => statSync(path).size, { timeout: 5000, interval: 20 })
        .toBeGreaterThan(walled);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('refuses a wrong key with a clear message, and touches no file', async () => {
    const path = tempPath();
    const { store } = await storeWithMessages(path, key(), ['hello']);
    await store.close();
    const before = hashesBeside(path);

    const opening = openSqliteStore(path, key());

    await expect(opening).rejects.toBeInstanceOf(DatabaseKeyError);
    await expect(opening).rejects.toThrow(
      `the database key does not open ${path} (it was encrypted with another key, or is not a database)`,
    );
    expect(hashesBeside(path)).toEqual(before);
  });

  it('refuses to open an encrypted file without a key', async () => {
    const path = tempPath();
    const { store } = await storeWithMessages(path, key(), []);
    await store.close();

    await expect(openSqliteStore(path)).rejects.toThrow(
      `${path} is encrypted and no key was given`,
    );
  });

  it('encrypts a file from before encryption at rest on first open, leaving nothing beside it', async () => {
    const path = tempPath();
    const masterKey = key();
    const marker = `OLD-PLAINTEXT-${randomUUID()}`;
    const { store: old, bob } = await storeWithMessages(path, null, [marker, 'second']);
    await old.close();
    expect(holds(path, marker)).toBe(true);

    const store = await openSqliteStore(path, masterKey);
    try {
      expect(holds(path, marker)).toBe(false);
      expect(holds(path, 'SQLite format 3')).toBe(false);
      expect(await textsIn(store, bob.id)).toEqual([marker, 'second']);
      expect(filesBeside(path)).toEqual(['parley.db', 'parley.db-shm', 'parley.db-wal']);
    } finally {
      await store.close();
    }
  });

  it('will not encrypt a file another connection has open, and leaves it as it was', async () => {
    const path = tempPath();
    const { store: old, bob } = await storeWithMessages(path, null, ['in use']);
    await old.close();
    const other = new Database(path);
    other.pragma('journal_mode = WAL');
    other.prepare('SELECT count(*) FROM users').get();
    const before = readFileSync(path);

    await expect(openSqliteStore(path, key())).rejects.toThrow(
      `${path} is in use by another process: stop every process using it first`,
    );

    expect(readFileSync(path).equals(before)).toBe(true);
    other.close();
    const store = await openSqliteStore(path, key());
    expect(await textsIn(store, bob.id)).toEqual(['in use']);
    await store.close();
  });

  it('rekeys: the new key opens the file, the old one no longer does, and a second run does nothing', async () => {
    const path = tempPath();
    const [oldKey, newKey] = [key(), key()];
    const { store, bob } = await storeWithMessages(path, oldKey, ['one', 'two']);
    await store.close();

    expect(rekeyDatabase(path, oldKey, newKey)).toBe(true);

    await expect(openSqliteStore(path, oldKey)).rejects.toBeInstanceOf(DatabaseKeyError);
    const rekeyed = await openSqliteStore(path, newKey);
    expect(await textsIn(rekeyed, bob.id)).toEqual(['one', 'two']);
    await rekeyed.close();
    expect(rekeyDatabase(path, oldKey, newKey)).toBe(false);
    expect(filesBeside(path)).toEqual(['parley.db']);
    expect(() => rekeyDatabase(path, key(), key())).toThrow(
      `neither the current nor the new key opens ${path}`,
    );
  });
});
