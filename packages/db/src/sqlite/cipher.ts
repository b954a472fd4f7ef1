import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { subkey } from '../subkeys.ts';

/**
 * The database file is encrypted by SQLite3 Multiple Ciphers in SQLCipher 4's format
 * (AES-256-CBC with a random IV and an HMAC-SHA512 on every page, the WAL's frames included).
 * The key is the `sqlcipher` subkey of the master key, given raw (`x'…'`): SQLCipher's password
 * derivation (PBKDF2, 256,000 rounds on every connection) is for passwords, and this is already
 * a random 256-bit key. The `sqlcipher` shell opens the file with `PRAGMA key = "x'<subkey>'"`.
 */
const CIPHER_PRAGMAS = ["cipher = 'sqlcipher'", 'legacy = 4'];

/** How long a process waits for another one that is encrypting or re-keying the file. */
const REKEY_WAIT_MS = 5 * 60_000;

/** The first 16 bytes of a database file SQLite wrote in the clear. */
const PLAINTEXT_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export class DatabaseKeyError extends Error {
  override name = 'DatabaseKeyError';
}

/** The pragmas that make a fresh connection read and write the file with `masterKey`. */
export function keyPragmas(masterKey: Buffer): string[] {
  return [...CIPHER_PRAGMAS, `key = ${rawKey(masterKey)}`];
}

function rawKey(masterKey: Buffer): string {
  return `"x'${subkey(masterKey, 'sqlcipher').toString('hex')}'"`;
}

type FileKind = 'missing' | 'plaintext' | 'encrypted';

function fileKind(path: string): FileKind {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const head = Buffer.alloc(PLAINTEXT_MAGIC.length);
    const read = readSync(fd, head, 0, head.length, 0);
    if (read === 0) return 'missing';
    return head.equals(PLAINTEXT_MAGIC) ? 'plaintext' : 'encrypted';
  } finally {
    closeSync(fd);
  }
}

/**
 * A connection to `path` keyed with `masterKey` (in the clear when null). It reads the first
 * page before returning, so a wrong key fails here, before anything is written to the file.
 * @throws DatabaseKeyError
 */
export function connect(path: string, masterKey: Buffer | null): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    if (masterKey) {
      for (const pragma of keyPragmas(masterKey)) db.pragma(pragma);
      // Plain SQLite ignores unknown pragmas: a build without the cipher would write in the clear.
      if (db.pragma('cipher', { simple: true }) !== 'sqlcipher') {
        throw new Error(
          'this SQLite build cannot encrypt (better-sqlite3-multiple-ciphers needed)',
        );
      }
    }
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_NOTADB') throw error;
    throw new DatabaseKeyError(
      masterKey
        ? `the database key does not open ${path} (it was encrypted with another key, or is not a database)`
        : `${path} is encrypted and no key was given`,
      { cause: error },
    );
  }
}

/**
 * Encrypts the file at `path` if it is in the clear (a database from before encryption at
 * rest). Several processes starting at once on one file: one encrypts, the others wait for it.
 */
export function encryptIfPlaintext(path: string, masterKey: Buffer): void {
  if (fileKind(path) !== 'plaintext') return;
  exclusively(path, () => {
    if (fileKind(path) !== 'plaintext') return false;
    reencrypt(path, null, masterKey);
    return true;
  });
}

/**
 * Re-encrypts the file at `path` with `to` (from `from`, or from the clear): key rotation.
 * Every other connection to the file must be closed. Run again after a failure: a file already
 * on `to` is left as it is.
 * @returns false when there was nothing to do (no file, or already on `to`)
 * @throws DatabaseKeyError when neither key opens the file
 */
export function rekeyDatabase(path: string, from: Buffer, to: Buffer): boolean {
  return exclusively(path, () => {
    const kind = fileKind(path);
    if (kind === 'missing' || (kind === 'encrypted' && opens(path, to))) return false;
    if (kind === 'encrypted' && !opens(path, from)) {
      throw new DatabaseKeyError(`neither the current nor the new key opens ${path}`);
    }
    reencrypt(path, kind === 'plaintext' ? null : from, to);
    return true;
  });
}

function opens(path: string, masterKey: Buffer): boolean {
  try {
    connect(path, masterKey).close();
    return true;
  } catch (error) {
    if (error instanceof DatabaseKeyError) return false;
    throw error;
  }
}

/**
 * Writes an encrypted copy beside the file, checks it and renames it over the file: a crash at
 * any point leaves the old file or the new one, whole. The old file's other connections must be
 * closed (leaving WAL mode waits for them, then fails), so none writes to it meanwhile.
 */
function reencrypt(path: string, from: Buffer | null, to: Buffer): void {
  const copy = `${path}-rekey.tmp`;
  rmSync(copy, { force: true });
  try {
    const source = connect(path, from);
    try {
      leaveWal(source, path);
      source.prepare('VACUUM INTO ?').run(copy);
    } finally {
      source.close();
    }
    const target = connect(copy, from);
    try {
      for (const pragma of CIPHER_PRAGMAS) target.pragma(pragma);
      target.pragma(`rekey = ${rawKey(to)}`);
    } finally {
      target.close();
    }
    const check = connect(copy, to);
    try {
      const result = check.pragma('quick_check', { simple: true });
      if (result !== 'ok')
        throw new Error(`the re-encrypted copy of ${path} fails its check: ${String(result)}`);
    } finally {
      check.close();
    }
    fsync(copy);
    renameSync(copy, path);
    fsync(dirname(path));
  } finally {
    rmSync(copy, { force: true });
  }
}

function leaveWal(db: Database.Database, path: string): void {
  try {
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new Error(`${path} is in use by another process: stop every process using it first`, {
      cause: error,
    });
  }
}

/**
 * Runs `work` holding a lock beside the file (an exclusive SQLite lock on `<path>-rekey.lock`,
 * which the system releases if the process dies). The lock file is removed once the work is
 * done (not when it failed): a process that waited on it checks the file again, and finds
 * nothing left to do.
 */
function exclusively(path: string, work: () => boolean): boolean {
  const lockPath = `${path}-rekey.lock`;
  const lock = new Database(lockPath);
  try {
    lock.pragma(`busy_timeout = ${REKEY_WAIT_MS}`);
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
    const changed = work();
    rmSync(lockPath, { force: true });
    return changed;
  } finally {
    lock.close();
  }
}

function fsync(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
