import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, InvalidBlobKeyError, isBlobKey, type RawBlobStore } from './blob-store.ts';

/**
 * Blobs as files under `root`, spread over sub-directories named by the key's first two
 * characters. A blob is written to a temporary file and renamed into place, so a reader never
 * sees part of it.
 */
export async function openDiskBlobStore(root: string): Promise<RawBlobStore> {
  const base = path.resolve(root);
  await mkdir(base, { recursive: true });

  function fileOf(key: string): string {
    assertBlobKey(key);
    const file = path.join(base, key.slice(0, 2), key);
    // The key's shape already rules it out; checked again because it is cheap.
    if (path.dirname(path.dirname(file)) !== base) throw new InvalidBlobKeyError(key);
    return file;
  }

  return {
    kind: 'disk',

    async put(key, data) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${randomUUID()}.tmp`;
      try {
        const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
        await pipeline(source, createWriteStream(temporary, { flags: 'wx' }));
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async get(key) {
      const file = fileOf(key);
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        return { size, stream: handle.createReadStream() };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async delete(key) {
      await rm(fileOf(key), { force: true });
    },

    async *keys() {
      for (const shard of await readdir(base, { withFileTypes: true })) {
        if (!shard.isDirectory()) continue;
        // Temporary files (`<key>.<uuid>.tmp`) are not keys.
        for (const name of await readdir(path.join(base, shard.name))) {
          if (isBlobKey(name) && name.startsWith(shard.name)) yield name;
        }
      }
    },

    async close() {},
  };
}
