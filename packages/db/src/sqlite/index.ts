import type Database from 'better-sqlite3';
import type { Store } from '../store.ts';
import { attachmentClaimer, attachmentMethods } from './attachments.ts';
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
  return sqliteStore(openDatabase(path));
}

function sqliteStore(db: Database.Database): Store {
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
      db.close();
    },
  };
}
