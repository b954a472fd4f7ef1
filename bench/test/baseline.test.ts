/**
 * The Socket.IO baseline server (bench/baseline) as a tutorial's reader would check it: a real
 * server on a loopback port, a real SQLite file, socket.io-client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@parley/testing';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatServer, type SendAck } from '../baseline/app.ts';
import { hashPassword, secretKey } from '../baseline/auth.ts';
import { openDatabase, type Message } from '../baseline/db.ts';

const key = secretKey('a test secret that is long enough for HS256');
let dir: string;
let db: ReturnType<typeof openDatabase>;
let server: ReturnType<typeof createChatServer>;
let url: string;
const sockets: Socket[] = [];
const ids: Record<string, string> = {};

async function login(username: string, password = 'right password') {
  return fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** A signed-in socket and every `message:new` it hears. */
async function connect(username: string) {
  const { token } = (await (await login(username)).json()) as { token: string };
  const socket = io(url, { forceNew: true, transports: ['websocket'], auth: { token } });
  sockets.push(socket);
  const heard: Message[] = [];
  socket.on('message:new', (m: Message) => heard.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, heard };
}

const send = (socket: Socket, input: unknown): Promise<SendAck> =>
  socket.timeout(5000).emitWithAck('message:send', input);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baseline-test-'));
  db = openDatabase(path.join(dir, 'chat.db'));
  const hash = hashPassword('right password');
  for (const name of ['ann', 'bob']) ids[name] = db.createUser(name, hash);
  server = createChatServer(db, key);
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await new Promise<void>((resolve) => void server.io.close(() => resolve()));
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the Socket.IO baseline', () => {
  it('signs in with the right password only', async () => {
    expect((await login('ann', 'wrong password')).status).toBe(401);
    expect((await login('nobody')).status).toBe(401);
    const ok = await login('ann');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ userId: ids.ann, token: expect.any(String) });
  });

  it('refuses a socket without a valid token', async () => {
    const socket = io(url, { forceNew: true, transports: ['websocket'], auth: { token: 'x.y.z' } });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
  });

  it('stores a message, acknowledges it, and delivers it to both rooms; a retry returns the original', async () => {
    const ann = await connect('ann');
    const bob = await connect('bob');
    const bobTab = await connect('bob');
    const ack = await send(ann.socket, {
      to: ids.bob,
      text: 'hello',
      clientMessageId: 'cmid-0001',
    });
    expect(ack).toEqual({
      status: 'ok',
      message: {
        id: expect.any(String),
        conversationId: [ids.ann, ids.bob].sort().join(':'),
        senderId: ids.ann,
        recipientId: ids.bob,
        text: 'hello',
        clientMessageId: 'cmid-0001',
        createdAt: expect.any(String),
      },
    });
    if (ack.status !== 'ok') return;
    await waitFor(
      () => bob.heard.length === 1 && bobTab.heard.length === 1 && ann.heard.length === 1,
    );
    expect(bob.heard[0]).toEqual(ack.message);

    const retry = await send(ann.socket, {
      to: ids.bob,
      text: 'hello',
      clientMessageId: 'cmid-0001',
    });
    expect(retry).toEqual(ack);
    await send(ann.socket, { to: ids.bob, text: 'next', clientMessageId: 'cmid-0002' });
    await waitFor(() => bob.heard.length === 2);
    expect(bob.heard.map((m) => m.text)).toEqual(['hello', 'next']);
  });

  it('answers bad input with an error, and stores nothing', async () => {
    const ann = await connect('ann');
    const bad = [
      { to: ids.bob, text: '', clientMessageId: 'cmid-0003' },
      { to: ids.bob, text: 'x'.repeat(4001), clientMessageId: 'cmid-0003' },
      { to: ids.bob, text: 'hi', clientMessageId: 'short' },
      { to: ids.ann, text: 'to myself', clientMessageId: 'cmid-0003' },
      'not an object',
    ];
    for (const input of bad)
      expect(await send(ann.socket, input)).toEqual({ status: 'error', error: 'Invalid message.' });
    expect(
      await send(ann.socket, { to: 'no-such-user', text: 'hi', clientMessageId: 'cmid-0004' }),
    ).toEqual({ status: 'error', error: 'No such recipient.' });
    expect(db.history(ids.ann!, ids.bob!, '9999', 50).map((m) => m.clientMessageId)).toEqual([
      'cmid-0002',
      'cmid-0001',
    ]);
  });

  it('pages my conversation with a peer, newest first, and only with a token', async () => {
    const { token } = (await (await login('bob')).json()) as { token: string };
    const page = await fetch(`${url}/messages?with=${ids.ann}&limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { messages } = (await page.json()) as { messages: Message[] };
    expect(messages.map((m) => m.text)).toEqual(['next']);
    const older = await fetch(
      `${url}/messages?with=${ids.ann}&before=${encodeURIComponent(messages[0]!.createdAt)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(((await older.json()) as { messages: Message[] }).messages.map((m) => m.text)).toEqual([
      'hello',
    ]);
    expect((await fetch(`${url}/messages?with=${ids.ann}`)).status).toBe(401);
  });
});
