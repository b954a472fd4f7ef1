import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { keyPragmas } from './cipher.ts';

/**
 * A checkpoint copies the WAL back into the database file and fsyncs both: the slowest part of
 * a write, and on a busy disk an fsync stalls for tens of milliseconds. SQLite runs it inside
 * whichever COMMIT crosses `wal_autocheckpoint`, which here is the event loop. This thread runs
 * PASSIVE checkpoints on its own connection instead (they never block the writer), and the
 * writer's own autocheckpoint stays as a backstop far above what the thread lets accumulate.
 * On an encrypted file the thread's connection is keyed as the writer's is.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
for (const pragma of workerData.keyPragmas) db.pragma(pragma);
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next round (or the writer's backstop) does it.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** Pages the writer lets the WAL grow to before it checkpoints itself (the backstop). */
export const WRITER_AUTOCHECKPOINT_PAGES = 20_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(
  path: string,
  masterKey: Buffer | null,
  intervalMs = 200,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path, intervalMs, keyPragmas: masterKey ? keyPragmas(masterKey) : [] },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => undefined);
  return {
    async stop() {
      // Unreferenced, the thread would not keep a process alive until it has stopped.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
