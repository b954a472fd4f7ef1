import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { createUsers, send } from '../src/contract/fixtures.ts';
import { openSqliteStore } from '../src/sqlite/index.ts';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(tmpdir(), `parley-sqlite-encryption-${randomUUID()}`);
const tempPath = () => join(root, randomUUID(), 'parley.db');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `test/open-sqlite.ts` as a process of its own. */
function openInProcess(path: string, key: Buffer) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/open-sqlite.ts', path, key.toString('hex')],
    { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output: output.trim() })),
  );
  return { child, exited };
}

/** A database as an older Parley left it: in the clear, with messages. */
async function plaintextDatabase(path: string, messages: number): Promise<number> {
  const store = await openSqliteStore(path);
  const [alice, bob] = await createUsers(store, 'alice', 'bob');
  for (let n = 0; n < messages; n++) await send(store, alice, bob, `old message ${n}`);
  const last = await store.lastEventId();
  await store.close();
  return last;
}

const isPlaintext = (path: string) =>
  readFileSync(path).subarray(0, 15).toString() === 'SQLite format 3';

describe('encrypting a database from before encryption at rest, across processes', () => {
  it('three processes starting at once on the file: one encrypts it, all of them open it', async () => {
    const path = tempPath();
    const last = await plaintextDatabase(path, 50);
    const key = randomBytes(32);

    const runs = await Promise.all([1, 2, 3].map(() => openInProcess(path, key).exited));

    for (const run of runs) expect(run).toEqual({ code: 0, output: String(last) });
    expect(isPlaintext(path)).toBe(false);
    expect(readdirSync(dirname(path))).toEqual(['parley.db']);
  }, 60_000);

  it('a process killed while encrypting leaves the file whole, in the clear or encrypted', async () => {
    const path = tempPath();
    const last = await plaintextDatabase(path, 20);
    // Some weight, so that the encryption takes long enough to be interrupted.
    const db = new Database(path);
    db.exec('CREATE TABLE ballast (bytes BLOB)');
    const insert = db.prepare('INSERT INTO ballast VALUES (randomblob(1048576))');
    for (let n = 0; n < 64; n++) insert.run();
    db.close();
    const key = randomBytes(32);

    const { child, exited } = openInProcess(path, key);
    const copy = `${path}-rekey.tmp`;
    while (!existsSync(copy) && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    const { code } = await exited;
    expect(code, 'the process was killed before it finished').toBeNull();

    if (isPlaintext(path)) {
      const old = new Database(path, { readonly: true });
      expect(old.pragma('quick_check', { simple: true })).toBe('ok');
      old.close();
    }
    const store = await openSqliteStore(path, key);
    expect(await store.lastEventId()).toBe(last);
    await store.close();
    expect(isPlaintext(path)).toBe(false);
    expect(readdirSync(dirname(path))).toEqual(['parley.db']);
  }, 60_000);
});
