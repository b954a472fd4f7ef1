import mongoose from 'mongoose';
import type { Store } from '../store.ts';
import { actionMethods } from './actions.ts';
import { attachmentMethods } from './attachments.ts';
import { conversationMethods } from './conversations.ts';
import { eventMethods, logCommitter, type Tx } from './events.ts';
import { groupMethods } from './groups.ts';
import { linkPreviewMethods } from './link-previews.ts';
import { messageHydrator } from './hydrate.ts';
import { messageMethods } from './messages.ts';
import { createModels } from './models.ts';
import { periodMethods } from './periods.ts';
import { prepareDatabase } from './prepare.ts';
import { pushMethods } from './push.ts';
import { marksMethods, receiptMethods } from './receipts.ts';
import { safetyMethods } from './safety.ts';
import { searchMethods } from './search.ts';
import { sessionMethods } from './sessions.ts';
import { settingsMethods } from './settings.ts';
import { redactCredentials } from './uri.ts';
import { userMethods } from './users.ts';
import { createWriter } from './writer.ts';

/**
 * Opens the MongoDB store at `uri` on a connection of its own and prepares the database (see
 * `prepareDatabase`: a standalone server is refused, indexes are synced, older data migrated).
 * Messages and what is done to them, receipts, group changes, blocks, privacy settings and
 * sessions are written in transactions, so the server must be a replica set (a single-node one
 * is enough) or a sharded cluster.
 *
 * @throws Error naming the server (credentials removed) when it cannot be reached or used.
 */
export async function openMongoStore(uri: string): Promise<Store> {
  const conn = mongoose.createConnection(uri, { autoIndex: false, autoCreate: false });
  const models = createModels(conn);
  let log: { first: number };
  try {
    await conn.asPromise();
    log = await prepareDatabase(conn, models);
  } catch (error) {
    await conn.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open MongoDB store at ${redactCredentials(uri)}: ${reason}`, {
      cause: error,
    });
  }

  const periods = periodMethods(models);
  const marks = marksMethods(models);
  const hydrate = messageHydrator(models);
  const writer = createWriter<Tx>(logCommitter(conn, models));
  const { sendOp, ...messages } = messageMethods(models, { periods, hydrate });
  const { changeOp } = groupMethods(models, { periods, marks });
  const { updateOp, clearUnread } = settingsMethods(models);
  const { receiptOp, listMessageReceipts } = receiptMethods(models, marks, clearUnread);
  const { actionOp, forwardOp, listPinned } = actionMethods(models, { periods, hydrate });
  const { blockOp, settingsOp, ...safety } = safetyMethods(models, marks);

  return {
    kind: 'mongo',

    async ping() {
      if (!conn.db) return false;
      try {
        await conn.db.admin().ping();
        return true;
      } catch {
        return false;
      }
    },

    async close() {
      // Queued writes commit (or fail) before the connection goes.
      await writer.drain();
      await conn.close();
    },

    ...userMethods(models),
    ...sessionMethods(conn, models),
    ...conversationMethods(models, { periods, marks, hydrate }),
    ...messages,
    ...eventMethods(models, { counter: log, hydrate }),
    ...attachmentMethods(conn, models),
    sendMessage: (msg) => writer.run(sendOp(msg)),
    changeGroup: (input) => writer.run(changeOp(input)),
    actOnMessage: (action, at) => writer.run(actionOp(action, at)),
    forwardMessage: (input) => writer.run(forwardOp(input)),
    listPinned,
    ...safety,
    setBlocked: (opts) => writer.run(blockOp(opts)),
    updateSettings: (userId, patch, at) => writer.run(settingsOp(userId, patch, at)),
    markDelivered: (input) => writer.run(receiptOp('delivered', input)),
    markRead: (input) => writer.run(receiptOp('read', input)),
    listMessageReceipts,
    ...searchMethods(models, { periods, hydrate }),
    updateConversationSettings: (change) => writer.run(updateOp(change)),
    ...pushMethods(models),
    ...linkPreviewMethods(models),
  };
}
