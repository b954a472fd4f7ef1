/**
 * A process of its own for sqlite-encryption.test.ts: opens the SQLite store at argv[2] with
 * the master key argv[3] (hex), prints its last event id, and closes it.
 */
import { openSqliteStore } from '../src/sqlite/index.ts';

const [path, key] = process.argv.slice(2) as [string, string];
const store = await openSqliteStore(path, Buffer.from(key, 'hex'));
console.log(await store.lastEventId());
await store.close();
