import mongoose from 'mongoose';
import type { Store } from '../store.ts';
import { attachmentMethods } from './attachments.ts';
import { conversationMethods } from './conversations.ts';
import { eventMethods } from './events.ts';
import { messageMethods } from './messages.ts';
import { createModels } from './models.ts';
import { receiptMethods } from './receipts.ts';
import { sessionMethods } from './sessions.ts';
import { redactCredentials } from './uri.ts';
import { userMethods } from './users.ts';

/**
 * Opens the MongoDB store at `uri` on a connection of its own and creates its collections and
 * indexes. Messages and receipts are written in transactions, so the server must be a replica
 * set (a single-node one is enough) or a sharded cluster.
 *
 * @throws Error naming the server (credentials removed) when it cannot be reached or indexed.
 */
export async function openMongoStore(uri: string): Promise<Store> {
  const conn = mongoose.createConnection(uri, { autoIndex: false, autoCreate: false });
  const models = createModels(conn);
  try {
    await conn.asPromise();
    await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  } catch (error) {
    await conn.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open MongoDB store at ${redactCredentials(uri)}: ${reason}`, {
      cause: error,
    });
  }

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
      await conn.close();
    },

    ...userMethods(models),
    ...sessionMethods(models),
    ...conversationMethods(models),
    ...messageMethods(conn, models),
    ...receiptMethods(conn, models),
    ...eventMethods(models),
    ...attachmentMethods(conn, models),
  };
}
