import type { Store } from './store.ts';

export interface StoreOptions {
  /**
   * The master key (32 bytes) the SQLite file is encrypted with; without it the file is in the
   * clear (tests and tools). MongoDB's own encryption at rest is the server's (docs/deploy.md).
   */
  encryptionKey?: Buffer | null;
  /**
   * SQLite only: when a commit reaches the disk. `full` (the default) syncs the WAL on every
   * commit, so an acknowledged message survives power loss; `normal` syncs only at checkpoints,
   * so it survives a killed process but may lose the last commits on an OS crash or power loss.
   */
  synchronous?: Synchronous;
}

export type Synchronous = 'full' | 'normal';

/**
 * Opens the store named by a `DATABASE_URL`: `file:<path>` for SQLite,
 * `mongodb://` or `mongodb+srv://` for MongoDB.
 */
export async function openStore(url: string, opts: StoreOptions = {}): Promise<Store> {
  if (url.startsWith('file:')) {
    const { openSqliteStore } = await import('./sqlite/index.ts');
    return openSqliteStore(url.slice('file:'.length), opts.encryptionKey ?? null, opts.synchronous);
  }
  if (url.startsWith('mongodb://') || url.startsWith('mongodb+srv://')) {
    const { openMongoStore } = await import('./mongo/index.ts');
    return openMongoStore(url);
  }
  throw new Error(`unsupported database URL scheme: ${url.split(':')[0]}`);
}
