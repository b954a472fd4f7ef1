/**
 * Fail-fast sign-in, subscribe-then-send, and subscriptions without WebSockets (Server-Sent
 * Events, chosen or fallen back to when a proxy blocks upgrades), against a real server.
 */
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, startServer, type RunningServer } from '@parley/server';
import { waitFor } from '@parley/testing';
import NodeWebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createParleyClient,
  isParleyError,
  TRPC_VERSION,
  type ChatEventItem,
  type ParleyClient,
} from '../src/index.ts';

const LIMITS = {
  signupPerIpPerHour: 10_000,
  loginPerIpPerMinute: 10_000,
  loginPerAccountPer15Minutes: 10_000,
  sendPerUserPerSecond: 10_000,
  typingPerUserPerSecond: 10_000,
};

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'parley-transports-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { rateLimits: LIMITS });
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** `ws`, counting the sockets a client opens. */
function countingWebSocket() {
  const counter = { made: 0 };
  class Counting extends NodeWebSocket {
    constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
      super(...args);
      counter.made += 1;
    }
  }
  return { counter, WebSocket: Counting as unknown as typeof globalThis.WebSocket };
}

let n = 0;
async function account(name: string, opts: Parameters<typeof createParleyClient>[0] | object = {}) {
  n += 1;
  const username = `${name}${n}_${Date.now().toString(36)}`;
  const password = `long enough password ${n}`;
  const client = createParleyClient({
    url: server.url,
    credentials: { login: username, password },
    ...opts,
  });
  const session = await client.signup({ username, email: `${username}@example.com`, password });
  return { client, username, password, userId: session.userId };
}

const texts = (items: ChatEventItem[]) =>
  items.flatMap((i) => (i.data.type === 'message.new' ? [i.data.message.text] : []));

/**
 * A proxy in front of the server, as a corporate one: HTTP passes, WebSocket upgrades are
 * refused with 403. `dropAll()` cuts every connection through it.
 */
async function upgradeBlockingProxy(target: string) {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const proxy = http.createServer((req, res) => {
    const upstream = http.request(
      { hostname, port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  proxy.on('upgrade', (_req, socket: Socket) => {
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    dropAll: () => {
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe('fail fast', () => {
  it('rejects every call with a typed UNAUTHORIZED when the credentials are wrong, opening no socket', async () => {
    const bob = await account('wrongpw');
    const { counter, WebSocket } = countingWebSocket();
    const states: string[] = [];
    const client = createParleyClient({
      url: server.url,
      credentials: { login: bob.username, password: 'not the password' },
      WebSocket,
      onConnectionChange: (state) => states.push(state),
    });
    try {
      const started = Date.now();
      const error = await client.trpc.auth.me.query().catch((e: unknown) => e);
      expect(isParleyError(error, 'UNAUTHORIZED')).toBe(true);
      await expect(client.subscribe(() => undefined)).rejects.toSatisfy((e) =>
        isParleyError(e, 'UNAUTHORIZED'),
      );
      expect(Date.now() - started).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(counter.made).toBe(0);
      expect(states).toEqual([]);
    } finally {
      client.close();
      bob.client.close();
    }
  });

  it('stops reconnecting and rejects (typed) when the server refuses a saved session that cannot be renewed', async () => {
    const bob = await account('revoked');
    const saved = bob.client.session!;
    await bob.client.logout();
    const { counter, WebSocket } = countingWebSocket();
    const client = createParleyClient({ url: server.url, session: saved, WebSocket });
    try {
      const error = await client.subscribe(() => undefined).catch((e: unknown) => e);
      expect(isParleyError(error, 'UNAUTHORIZED')).toBe(true);
      expect(counter.made).toBeGreaterThanOrEqual(1);
      // A reconnect already under way may open one more (anonymous) socket, then nothing.
      await new Promise((r) => setTimeout(r, 1500));
      const made = counter.made;
      expect(made).toBeLessThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 3000));
      expect(counter.made).toBe(made);
    } finally {
      client.close();
      bob.client.close();
    }
  });
});

describe('subscribe, then send', () => {
  it('never loses the first message: subscribe() resolves once the stream is live', async () => {
    const alice = await account('first_a');
    for (let round = 0; round < 5; round++) {
      const bob = await account('first_b');
      const items: ChatEventItem[] = [];
      const events = await bob.client.subscribe((item) => items.push(item));
      await alice.client.trpc.chat.send.mutate({
        to: bob.userId,
        text: `first ${round}`,
        clientMessageId: `first-${round}-${n}`,
      });
      await waitFor(() => texts(items).length === 1, 5000, 'the first message');
      expect(texts(items)).toEqual([`first ${round}`]);
      events.unsubscribe();
      bob.client.close();
    }
    alice.client.close();
  });
});

describe('subscriptions without WebSockets', () => {
  it("transport 'sse': chats with Server-Sent Events and HTTP alone", async () => {
    const alice = await account('sse_a');
    const { counter, WebSocket } = countingWebSocket();
    const bob = await account('sse_b', { transport: 'sse', WebSocket });
    try {
      const items: ChatEventItem[] = [];
      const events = await bob.client.subscribe((item) => items.push(item));
      await alice.client.trpc.chat.send.mutate({
        to: bob.userId,
        text: 'to an sse client',
        clientMessageId: `sse-client-${n}`,
      });
      await waitFor(() => texts(items).length === 1, 5000);
      const reply = await bob.client.trpc.chat.send.mutate({
        to: alice.userId,
        text: 'from an sse client',
        clientMessageId: `sse-client-reply-${n}`,
      });
      expect(reply.createdAt).toBeInstanceOf(Date);
      expect(bob.client.transport).toBe('sse');
      expect(counter.made).toBe(0);
      events.unsubscribe();
    } finally {
      alice.client.close();
      bob.client.close();
    }
  });

  it('falls back to SSE when a proxy blocks the WebSocket, and resumes after a drop without loss or repeats', async () => {
    const proxy = await upgradeBlockingProxy(server.url);
    const alice = await account('proxy_a');
    let fellBack = 0;
    let bob: { client: ParleyClient; userId: string } | null = null;
    try {
      bob = await account('proxy_b', { url: proxy.url, onFallback: () => (fellBack += 1) });
      // A call made before anything is known goes out once the fallback is decided.
      const me = await bob.client.trpc.auth.me.query();
      expect(me.id).toBe(bob.userId);
      const items: ChatEventItem[] = [];
      const events = await bob.client.subscribe((item) => items.push(item));
      expect(bob.client.transport).toBe('sse');
      expect(fellBack).toBe(1);
      const send = (text: string) =>
        alice.client.trpc.chat.send.mutate({
          to: bob!.userId,
          text,
          clientMessageId: `proxy-${text.replace(/\W/g, '')}-${n}`,
        });
      await send('one');
      await waitFor(() => texts(items).length === 1, 5000);
      proxy.dropAll();
      await send('two');
      await send('three');
      await waitFor(() => texts(items).length >= 3, 15_000, 'the resume');
      await send('four');
      await waitFor(() => texts(items).length >= 4, 5000);
      await new Promise((r) => setTimeout(r, 300));
      expect(texts(items)).toEqual(['one', 'two', 'three', 'four']);
      events.unsubscribe();
    } finally {
      bob?.client.close();
      alice.client.close();
      await proxy.close();
    }
  });
});

describe('no fallback when a transport is chosen', () => {
  it("transport 'websocket' keeps to the WebSocket behind a proxy that blocks it", async () => {
    const proxy = await upgradeBlockingProxy(server.url);
    const bob = await account('ws_only');
    let fellBack = 0;
    const client = createParleyClient({
      url: proxy.url,
      credentials: { login: bob.username, password: bob.password },
      transport: 'websocket',
      onFallback: () => (fellBack += 1),
    });
    try {
      const answer = await Promise.race([
        client.trpc.auth.me.query().then(
          () => 'answered',
          () => 'failed',
        ),
        new Promise((r) => setTimeout(() => r('waiting'), 2500)),
      ]);
      expect(answer).not.toBe('answered');
      expect([fellBack, client.transport]).toEqual([0, 'websocket']);
    } finally {
      client.close();
      bob.client.close();
      await proxy.close();
    }
  });
});

describe('versions', () => {
  it('states the exact tRPC version it is built with', async () => {
    for (const pkg of ['@trpc/client', '@trpc/server']) {
      const file = path.join(import.meta.dirname, '..', 'node_modules', pkg, 'package.json');
      const { version } = JSON.parse(await readFile(file, 'utf8')) as { version: string };
      expect(version).toBe(TRPC_VERSION);
    }
    const own = JSON.parse(
      await readFile(path.join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(own.dependencies['@trpc/client']).toBe(TRPC_VERSION);
    expect(own.dependencies['@trpc/server']).toBe(TRPC_VERSION);
  });
});
