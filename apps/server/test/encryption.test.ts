import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '@parley/api';
import { attachmentBlobKey, openStore } from '@parley/db';
import { freePort } from '@parley/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/index.ts';
import { inheritedEnv } from './hardening/support.ts';
import { httpClient, signUp, startTestServer, type TestServer } from './harness.ts';
import { download, fixtures, upload } from './images.ts';
import { runMain, SERVER_DIR } from './hardening/support.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-encryption-'));
  dirs.push(dir);
  return dir;
}

const hexKey = () => randomBytes(32).toString('hex');

/** Every file of the data directory, relative to it, with its bytes. */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file), await readFile(file));
  }
  return files;
}

async function hashesOf(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const [file, bytes] of await filesOf(dir)) {
    hashes[file] = createHash('sha256').update(bytes).digest('hex');
  }
  return hashes;
}

/** Files of the data directory holding any of `needles`, with the needle found. */
async function plaintextIn(dir: string, needles: Buffer[]): Promise<string[]> {
  const found: string[] = [];
  for (const [file, bytes] of await filesOf(dir)) {
    for (const needle of needles) if (bytes.includes(needle)) found.push(`${file}: ${needle}`);
  }
  return found;
}

/** A message with an image, sent between two new users; what a reader gets back. */
async function conversationWithImage(server: TestServer, text: string) {
  const alice = await signUp(server, 'alice');
  const bob = await signUp(server, 'bob');
  const answer = await upload(server, alice.token(), await fixtures.png(320, 200), {
    type: 'image/png',
  });
  const attachment = answer.body as { id: string; url: string; thumbUrl: string };
  const sent = await alice.http.chat.send.mutate({
    to: bob.user.id,
    text,
    attachmentIds: [attachment.id],
    clientMessageId: randomUUID(),
  });
  const image = await download(server, bob.token(), attachment.url);
  const thumb = await download(server, bob.token(), attachment.thumbUrl);
  expect([image.status, thumb.status]).toEqual([200, 200]);
  return { alice, bob, sent, attachment, image: image.bytes, thumb: thumb.bytes };
}

/** What bob reads: the texts of the conversation and the bytes of each image. */
async function whatBobReads(
  server: { url: string },
  bob: { token(): string },
  conversationId: string,
) {
  const page = await httpClient(server, bob.token).chat.history.query({
    conversationId,
    limit: 50,
  });
  const images = await Promise.all(
    page.items.flatMap((m) => m.attachments).map((a) => download(server, bob.token(), a.url)),
  );
  return {
    texts: page.items.map((m) => m.text),
    images: images.map((file) => createHash('sha256').update(file.bytes).digest('hex')),
  };
}

/** Runs `pnpm --filter @parley/server rotate-keys` (its script) as a real process. */
function rotateKeys(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/rotate-keys.ts'], {
    cwd: SERVER_DIR,
    env: { ...inheritedEnv(), NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
}

describe('encryption at rest', () => {
  it('keeps no plaintext of a message or an image in the database, its WAL or the blobs', async () => {
    const server = await startTestServer({ dataDir: await dataDir() });
    try {
      const marker = `PARLEY-MARKER-${randomUUID()}`;
      const { image, thumb } = await conversationWithImage(server, `the secret is ${marker}`);

      const files = [...(await filesOf(server.dataDir)).keys()];
      // The server is running: its latest writes are in the WAL.
      expect(files).toEqual(expect.arrayContaining(['parley.db', 'parley.db-wal']));
      expect((await stat(path.join(server.dataDir, 'parley.db-wal'))).size).toBeGreaterThan(0);
      const needles = [marker, marker.toLowerCase(), 'PARLEY-MARKER'].map((s) => Buffer.from(s));
      // The images as they are served: their start and a stretch of their middle.
      for (const bytes of [image, thumb]) {
        const middle = Math.floor(bytes.length / 2);
        needles.push(bytes.subarray(0, 32), bytes.subarray(middle, middle + 32));
      }
      expect(await plaintextIn(server.dataDir, needles)).toEqual([]);
      // The development key: owner-only, beside the data it opens.
      const keyFile = path.join(server.dataDir, 'dev-encryption.key');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it('refuses a wrong key with a clear message and leaves every file as it was', async () => {
    const dir = await dataDir();
    const key = hexKey();
    const first = await startTestServer({ dataDir: dir, env: { ENCRYPTION_KEY: key } });
    await conversationWithImage(first, 'before the wrong key');
    await first.close();
    const before = await hashesOf(dir);

    const wrong = startTestServer({ dataDir: dir, env: { ENCRYPTION_KEY: hexKey() } });
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong).rejects.toThrow(
      /^Invalid configuration:\n {2}ENCRYPTION_KEY: the database key does not open .*parley\.db/,
    );
    // Unset in development: the generated key is tried, and the message says which file it was.
    await expect(startTestServer({ dataDir: dir })).rejects.toThrow(
      /the database key does not open .*parley\.db.*ENCRYPTION_KEY is unset: the development key in .*dev-encryption\.key was used/s,
    );

    const after = await hashesOf(dir);
    delete after['dev-encryption.key'];
    expect(after).toEqual(before);
    const again = await startTestServer({ dataDir: dir, env: { ENCRYPTION_KEY: key } });
    await again.close();
  });

  it('refuses a development key file that holds no key', async () => {
    const dir = await dataDir();
    await writeFile(path.join(dir, 'dev-encryption.key'), 'not a key\n');

    await expect(startTestServer({ dataDir: dir })).rejects.toThrow(
      /ENCRYPTION_KEY: unset, and .*dev-encryption\.key holds no key/,
    );
    expect(await readdir(dir)).toEqual(['dev-encryption.key']);
  });

  it('will not start in production without a valid ENCRYPTION_KEY: the process exits with a readable message', async () => {
    const dir = await dataDir();
    const port = String(await freePort());
    for (const [env, message] of [
      [{}, /ENCRYPTION_KEY: required in production; must be 32 random bytes/],
      [{ ENCRYPTION_KEY: 'too short' }, /ENCRYPTION_KEY: must be 32 random bytes/],
    ] as const) {
      const run = runMain({
        NODE_ENV: 'production',
        PORT: port,
        DATA_DIR: dir,
        JWT_SECRET: 'a-production-secret-of-32-characters!!',
        ...env,
      });
      const exit = await run.exited;
      expect(exit.code, run.output()).toBe(1);
      expect(run.output()).toMatch(message);
      expect(run.output()).not.toMatch(/\n\s+at /);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('rotates the key: every message and image stays readable, the old key is refused', async () => {
    const dir = await dataDir();
    const [oldKey, newKey] = [hexKey(), hexKey()];
    const server = await startTestServer({ dataDir: dir, env: { ENCRYPTION_KEY: oldKey } });
    const { alice, bob, sent } = await conversationWithImage(server, 'first, with an image');
    for (const text of ['second', 'third']) {
      await alice.http.chat.send.mutate({ to: bob.user.id, text, clientMessageId: randomUUID() });
    }
    const read = await whatBobReads(server, bob, sent.conversationId);
    expect(read.texts).toEqual(['first, with an image', 'second', 'third']);

    // Refused while a process has the database open: nothing changes.
    const busy = await rotateKeys({
      DATA_DIR: dir,
      ENCRYPTION_KEY: oldKey,
      NEW_ENCRYPTION_KEY: newKey,
    });
    expect(busy.code, busy.output).toBe(1);
    expect(busy.output).toMatch(/^rotate-keys: .*parley\.db is in use by another process/m);
    expect(await whatBobReads(server, bob, sent.conversationId)).toEqual(read);
    await server.close();

    const rotated = await rotateKeys({
      DATA_DIR: dir,
      ENCRYPTION_KEY: oldKey,
      NEW_ENCRYPTION_KEY: newKey,
    });
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toMatch(/database: re-encrypted with the new key/);
    expect(rotated.output).toMatch(
      /blobs: 2 re-wrapped, 0 encrypted \(were in the clear\), 0 already/,
    );

    await expect(
      startTestServer({ dataDir: dir, env: { ENCRYPTION_KEY: oldKey } }),
    ).rejects.toThrow(/the database key does not open/);
    const after = await startTestServer({ dataDir: dir, env: { ENCRYPTION_KEY: newKey } });
    try {
      expect(await whatBobReads(after, bob, sent.conversationId)).toEqual(read);
    } finally {
      await after.close();
    }
    // Run again (after a failure, say): everything is already on the new key.
    const again = await rotateKeys({
      DATA_DIR: dir,
      ENCRYPTION_KEY: oldKey,
      NEW_ENCRYPTION_KEY: newKey,
    });
    expect(again.output).toMatch(
      /database: already on the new key\n {2}blobs: 0 re-wrapped, 0 encrypted \(were in the clear\), 2 already/,
    );
  });

  it('in development, rotates the generated key and keeps the new one in its place', async () => {
    const dir = await dataDir();
    const server = await startTestServer({ dataDir: dir });
    const { bob, sent } = await conversationWithImage(server, 'made with the development key');
    const read = await whatBobReads(server, bob, sent.conversationId);
    await server.close();
    const newKey = hexKey();

    const rotated = await rotateKeys({ DATA_DIR: dir, NEW_ENCRYPTION_KEY: newKey });

    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toMatch(
      /The new key replaced the development key in .*dev-encryption\.key/,
    );
    expect(await readFile(path.join(dir, 'dev-encryption.key'), 'utf8')).toBe(newKey);
    expect((await stat(path.join(dir, 'dev-encryption.key'))).mode & 0o777).toBe(0o600);
    const after = await startTestServer({ dataDir: dir });
    try {
      expect(await whatBobReads(after, bob, sent.conversationId)).toEqual(read);
    } finally {
      await after.close();
    }
  });

  it('encrypts a database and images from before encryption at rest on first start', async () => {
    const dir = await dataDir();
    // What an older Parley left: the SQLite file and the image files in the clear.
    const old = await openStore(`file:${path.join(dir, 'parley.db')}`);
    const password = 'a password from before';
    const passwordHash = await hashPassword(password);
    const [alice, bob] = await Promise.all(
      ['alice', 'bob'].map((username) =>
        old.createUser({
          username,
          email: `${username}@example.com`,
          passwordHash,
          displayName: username,
        }),
      ),
    );
    const png = await fixtures.png(64, 48);
    const attachment = await old.createAttachment({
      ownerId: alice!.id,
      kind: 'image',
      mime: 'image/png',
      size: png.length,
      width: 64,
      height: 48,
      variants: {
        display: { width: 64, height: 48, size: png.length },
        thumb: { width: 64, height: 48, size: png.length },
      },
      createdAt: new Date(),
    });
    for (const variant of ['display', 'thumb'] as const) {
      const key = attachmentBlobKey(attachment.id, variant);
      await mkdir(path.join(dir, 'blobs', key.slice(0, 2)), { recursive: true });
      await writeFile(path.join(dir, 'blobs', key.slice(0, 2), key), png);
    }
    const marker = `OLD-PLAINTEXT-${randomUUID()}`;
    const { message } = await old.sendMessage({
      senderId: alice!.id,
      recipientId: bob!.id,
      text: marker,
      attachmentIds: [attachment.id],
      mentionUsernames: [],
      clientMessageId: randomUUID(),
      createdAt: new Date(),
    });
    await old.close();
    expect(await plaintextIn(dir, [Buffer.from(marker), png.subarray(0, 32)])).not.toEqual([]);

    const server = await startTestServer({ dataDir: dir });
    try {
      expect(await plaintextIn(dir, [Buffer.from(marker), png.subarray(0, 32)])).toEqual([]);
      expect((await readdir(dir)).filter((file) => file.includes('rekey'))).toEqual([]);
      const session = await httpClient(server).auth.login.mutate({ login: 'bob', password });
      const token = () => session.accessToken;
      const page = await httpClient(server, token).chat.history.query({
        conversationId: message.conversationId,
        limit: 10,
      });
      expect(page.items.map((m) => m.text)).toEqual([marker]);
      const image = await download(server, token(), page.items[0]!.attachments[0]!.url);
      expect(image.bytes.equals(png)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
