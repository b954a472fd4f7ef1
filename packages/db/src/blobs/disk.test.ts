import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_KEYS, runBlobStoreContract } from './contract.ts';
import { openDiskBlobStore } from './disk.ts';
import { KEY_CHECK } from './encrypted.ts';
import { openBlobStore } from './open.ts';

const dir = path.join(tmpdir(), `parley-blobs-${randomUUID()}`);
afterAll(() => rm(dir, { recursive: true, force: true }));

runBlobStoreContract('disk', () => openDiskBlobStore(path.join(dir, randomUUID())));
runBlobStoreContract('disk, encrypted', () => {
  const dataDir = path.join(dir, randomUUID());
  return openBlobStore(`file:${path.join(dataDir, 'parley.db')}`, dataDir, randomBytes(32));
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .toSorted();
}

describe('disk blob store', () => {
  it('keeps each blob in a file named by its key, under the root only', async () => {
    const root = path.join(dir, randomUUID());
    const blobs = await openDiskBlobStore(root);
    const key = `${randomUUID()}.thumb`;

    await blobs.put(key, Buffer.from('bytes'));

    expect(await filesUnder(root)).toEqual([path.join(key.slice(0, 2), key)]);
  });

  it('never touches a file outside its root, whatever the key', async () => {
    const outside = path.join(dir, randomUUID());
    const root = path.join(outside, 'blobs');
    await mkdir(path.join(outside, 'etc'), { recursive: true });
    const secret = path.join(outside, 'etc', 'passwd');
    await writeFile(secret, 'root:x:0:0');
    const blobs = await openDiskBlobStore(root);

    for (const key of [...HOSTILE_KEYS, '../etc/passwd', '../../etc/passwd', secret]) {
      await expect(blobs.put(key, Buffer.from('pwned'))).rejects.toThrow(/invalid blob key/);
      await expect(blobs.get(key)).rejects.toThrow(/invalid blob key/);
      await expect(blobs.delete(key)).rejects.toThrow(/invalid blob key/);
    }

    expect(await filesUnder(outside)).toEqual([path.join('etc', 'passwd')]);
  });

  it('is what openBlobStore gives next to SQLite, under <dataDir>/blobs, with its key check', async () => {
    const dataDir = path.join(dir, randomUUID());
    const blobs = await openBlobStore(
      `file:${path.join(dataDir, 'parley.db')}`,
      dataDir,
      randomBytes(32),
    );
    const key = `${randomUUID()}.display`;

    await blobs.put(key, Buffer.from('bytes'));

    expect(blobs.kind).toBe('disk');
    expect(await filesUnder(path.join(dataDir, 'blobs'))).toEqual(
      [path.join(key.slice(0, 2), key), path.join('pa', KEY_CHECK)].toSorted(),
    );
  });

  it('lists every key it holds, and no temporary file', async () => {
    const root = path.join(dir, randomUUID());
    const blobs = await openDiskBlobStore(root);
    const keys = [`${randomUUID()}.display`, `${randomUUID()}.thumb`];
    for (const key of keys) await blobs.put(key, Buffer.from('bytes'));
    await writeFile(path.join(root, keys[0]!.slice(0, 2), `${keys[0]}.${randomUUID()}.tmp`), 'x');

    const listed: string[] = [];
    for await (const key of blobs.keys()) listed.push(key);

    expect(listed.toSorted()).toEqual(keys.toSorted());
  });
});
