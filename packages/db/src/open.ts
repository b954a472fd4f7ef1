import type { Store } from './store.ts';

/**
 * Opens the store named by a `DATABASE_URL`: `file:<path>` for SQLite,
 * `mongodb://` or `mongodb+srv://` for MongoDB.
 */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('file:')) {
    const { openSqliteStore } = await import('./sqlite/index.ts');
    return openSqliteStore(url.slice('file:'.length));
  }
  if (url.startsWith('mongodb://') || url.startsWith('mongodb+srv://')) {
    const { openMongoStore } = await import('./mongo/index.ts');
    return openMongoStore(url);
  }
  throw new Error(`unsupported database URL scheme: ${url.split(':')[0]}`);
}
