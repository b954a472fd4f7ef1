import type Database from 'better-sqlite3';
import type { Store } from '../store.ts';
import { attachmentClaimer, attachmentMethods } from './attachments.ts';
import {
  startCheckpointer,
  WRITER_AUTOCHECKPOINT_PAGES,
  type Checkpointer,
} from './checkpointer.ts';
import { conversationMethods } from './conversations.ts';
import { openDatabase } from './database.ts';
import { eventAppender, eventMethods } from './events.ts';
import { messageMethods } from './messages.ts';
import { receiptMethods } from './receipts.ts';
import { sessionMethods } from './sessions.ts';
import { userMethods } from './users.ts';

/**
 * Opens the SQLite store at `path`, creating the file and its directory when missing and
 * migrating its schema. Several processes may share the file: writes serialise on its lock.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  const db = openDatabase(path);
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  return sqliteStore(db, startCheckpointer(path));
}

function sqliteStore(db: Database.Database, checkpointer: Checkpointer): Store {
  const appendEvents = eventAppender(db);
  const { flushSends, ...messages } = messageMethods(db, appendEvents, attachmentClaimer(db));
  const selectOne = db.prepare<[], number>('SELECT 1').pluck();

  return {
    kind: 'sqlite',
    ...userMethods(db),
    ...sessionMethods(db),
    ...conversationMethods(db),
    ...messages,
    ...receiptMethods(db, appendEvents),
    ...eventMethods(db),
    ...attachmentMethods(db),

    async ping() {
      try {
        return selectOne.get() === 1;
      } catch {
        return false;
      }
    },

    async close() {
      flushSends();
      await checkpointer.stop();
      db.close();
    },
  };
}
