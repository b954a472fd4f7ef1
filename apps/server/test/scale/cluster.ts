import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppRouter } from '@parley/api';
import { startTestRedis, type TestRedis } from '@parley/bus/testing';
import { freePort } from '@parley/testing';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { spawnServer } from '../hardening/support.ts';
import WebSocket from 'ws';

const JWT_SECRET = 'scale-test-secret-shared-by-every-process-0123456789';

/** How long a crashed process's users may stay online (presence: ttl 6 s + sweep 1 s, plus slack). */
export const OFFLINE_BOUND_MS = 9000;

/** One real server process (`node --import tsx src/main.ts`). */
export interface ServerProcess {
  name: string;
  url: string;
  wsUrl: string;
  child: ChildProcess;
  /** The end of what it printed (LOG_LEVEL=warn), for failure messages. */
  output(): string;
  /** SIGKILL: no drain, no goodbye to Redis. */
  crash(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns a server process and resolves once its /healthz answers. */
export async function startServerProcess(opts: {
  name: string;
  databaseUrl: string;
  dataDir: string;
  redisUrl: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const server = await spawnServer({
    port,
    dataDir: opts.dataDir,
    timeoutMs: opts.timeoutMs ?? 45_000,
    env: {
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      JWT_SECRET,
      // Lifted so tests are not slowed down; login limits stay real (one test relies on them).
      RATE_LIMIT_SIGNUP_PER_HOUR: '10000',
      RATE_LIMIT_SEND_PER_SECOND: '10000',
      RATE_LIMIT_TYPING_PER_SECOND: '10000',
      ...opts.env,
    },
  }).catch((error: Error) => {
    throw new Error(`${opts.name}: ${error.message}`);
  });
  const child = server.process;
  return {
    name: opts.name,
    url: server.url,
    wsUrl: server.wsUrl,
    child,
    output: () => server.output().slice(-4000),
    async crash() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** A Redis and N server processes sharing one database. */
export interface Cluster {
  redis: TestRedis;
  nodes: ServerProcess[];
  dataDir: string;
  stop(): Promise<void>;
}

export async function startCluster(opts: {
  processes: number;
  /** Default: one SQLite file in a fresh directory. */
  databaseUrl?: (dataDir: string) => string;
}): Promise<Cluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-scale-'));
  const redis = await startTestRedis();
  const databaseUrl = (opts.databaseUrl ?? ((dir) => `file:${path.join(dir, 'parley.db')}`))(
    dataDir,
  );
  const names = Array.from({ length: opts.processes }, (_, i) => String.fromCharCode(65 + i));
  const nodes: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // The first creates the schema; the others start together.
    const [first, ...rest] = names;
    nodes.push(
      await startServerProcess({ name: first ?? 'A', databaseUrl, dataDir, redisUrl: redis.url }),
    );
    nodes.push(
      ...(await Promise.all(
        rest.map((name) => startServerProcess({ name, databaseUrl, dataDir, redisUrl: redis.url })),
      )),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, nodes, dataDir, stop };
}

/**
 * The stock tRPC WebSocket client whose URL can be switched: after `moveTo`, its next
 * (re)connection goes to the other process, and `chat.events` resumes by lastEventId.
 */
export function movableWsClient(
  initial: { wsUrl: string },
  token: () => string,
  opts: { onClose?: (cause?: { code?: number }) => void } = {},
) {
  let url = initial.wsUrl;
  const socket = createWSClient({
    url: () => url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token: token() }),
    retryDelayMs: () => 100,
    onClose: opts.onClose,
  });
  const client = createTRPCClient<AppRouter>({
    links: [wsLink({ client: socket, transformer: superjson })],
  });
  return {
    client,
    socket,
    moveTo(node: { wsUrl: string }) {
      url = node.wsUrl;
    },
    close: () => socket.close(),
  };
}
