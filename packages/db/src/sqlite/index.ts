import type Database from 'better-sqlite3-multiple-ciphers';
import type { Store } from '../store.ts';
import type { Synchronous } from '../open.ts';
import { actionMethods } from './actions.ts';
import { attachmentClaimer, attachmentMethods, groupAvatarSetter } from './attachments.ts';
import {
  startCheckpointer,
  WRITER_AUTOCHECKPOINT_PAGES,
  type Checkpointer,
} from './checkpointer.ts';
import { conversationMethods } from './conversations.ts';
import { openDatabase } from './database.ts';
import { eventAppender, eventMethods } from './events.ts';
import { groupMethods } from './groups.ts';
import { linkPreviewMethods } from './link-previews.ts';
import { messageHydrator } from './hydrate.ts';
import { messageMethods, messageWriter } from './messages.ts';
import { periodMethods } from './periods.ts';
import { pushMethods } from './push.ts';
import { marksMethods, receiptMethods } from './receipts.ts';
import { safetyMethods } from './safety.ts';
import { searchMethods } from './search.ts';
import { sessionMethods } from './sessions.ts';
import { settingsMethods, unreadClearer } from './settings.ts';
import { userMethods } from './users.ts';

/**
 * Opens the SQLite store at `path`, creating the file and its directory when missing and
 * migrating its schema. Several processes may share the file: writes serialise on its lock, and
 * every one must open it with the same `masterKey` (none: the file is in the clear).
 */
export async function openSqliteStore(
  path: string,
  masterKey: Buffer | null = null,
  synchronous: Synchronous = 'normal',
): Promise<Store> {
  const db = openDatabase(path, masterKey, synchronous);
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  return sqliteStore(db, startCheckpointer(path, masterKey));
}

function sqliteStore(db: Database.Database, checkpointer: Checkpointer): Store {
  const appendEvent = eventAppender(db);
  const periods = periodMethods(db);
  const writeMessage = messageWriter(db, appendEvent);
  const hydrate = messageHydrator(db);
  const { currentMarks, refreshMarks } = marksMethods(db, appendEvent);
  const { counts, ...conversations } = conversationMethods(db, { periods, currentMarks, hydrate });
  const { flushSends, ...messages } = messageMethods(db, {
    writeMessage,
    claimAttachments: attachmentClaimer(db),
    periods,
    hydrate,
  });
  const selectOne = db.prepare<[], number>('SELECT 1').pluck();

  return {
    kind: 'sqlite',
    ...userMethods(db),
    ...sessionMethods(db),
    ...conversations,
    ...groupMethods(db, {
      writeMessage,
      periods,
      refreshMarks,
      setGroupAvatar: groupAvatarSetter(db),
    }),
    ...messages,
    ...actionMethods(db, { appendEvent, writeMessage, periods, hydrate }),
    ...safetyMethods(db, { appendEvent, refreshMarks }),
    ...receiptMethods(db, {
      appendEvent,
      refreshMarks,
      clearUnread: unreadClearer(db, appendEvent),
      counts,
    }),
    ...eventMethods(db, hydrate),
    ...attachmentMethods(db),
    ...searchMethods(db, hydrate),
    ...settingsMethods(db, appendEvent),
    ...pushMethods(db),
    ...linkPreviewMethods(db),

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
