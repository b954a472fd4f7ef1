import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Synchronous } from '../open.ts';
import { connect, encryptIfPlaintext } from './cipher.ts';
import { migrate } from './migrations.ts';

/**
 * Opens the file (creating it and its directory when missing), configures the connection for
 * several processes sharing the file, and brings the schema up to date. With `masterKey` the
 * file is encrypted (a file from before encryption at rest is encrypted first); without one it
 * is in the clear, for tests and tools only.
 * @throws DatabaseKeyError when the key does not open the file, or the file needs one
 */
export function openDatabase(
  path: string,
  masterKey: Buffer | null = null,
  synchronous: Synchronous = 'normal',
): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  if (masterKey) encryptIfPlaintext(path, masterKey);
  const db = connect(path, masterKey);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    db.pragma('foreign_keys = ON');
    // Sorts and temporary tables stay in memory: the cipher does not encrypt temporary files.
    db.pragma('temp_store = MEMORY');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
