import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import v8 from 'node:v8';
import { waitFor } from '@parley/testing';
import WebSocket from 'ws';

export const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unb64 = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

/** Forged variants of a real access token: unsigned, signed with another key, and with another subject. */
export function forgeTokens(token: string, otherUserId: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = unb64(payload);
  const { kid } = unb64(header);
  const signingInput = `${b64({ alg: 'HS256', kid, typ: 'JWT' })}.${payload}`;
  const wrongKey = `${signingInput}.${createHmac('sha256', randomBytes(32)).update(signingInput).digest('base64url')}`;
  return {
    algNone: `${b64({ alg: 'none', kid, typ: 'JWT' })}.${payload}.`,
    wrongKey,
    changedSub: `${header}.${b64({ ...claims, sub: otherUserId })}.${signature}`,
  };
}

/** The garbage collector, without starting node with --expose-gc. */
export const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** Heap in use after two full collections, in MiB. */
export async function settledHeapMiB(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export interface ChildServer {
  url: string;
  wsUrl: string;
  process: ChildProcess;
  /** Everything the process wrote to stderr and stdout so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * What a child process inherits of this one's environment: the PATH and HOME, and what makes it
 * run on another Node.js than the installed one (scripts/node-lts/test.sh).
 */
export function inheritedEnv(): Record<string, string> {
  const names = ['PATH', 'HOME', 'NODE_OPTIONS', 'PARLEY_NATIVE_ADDONS'];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]]] : [])));
}

/**
 * Runs `src/main.ts` as a real process (the way `pnpm start` does, without the build). Processes
 * still running when the test process exits are killed.
 */
export function runMain(env: Record<string, string>): Omit<ChildServer, 'url' | 'wsUrl'> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...inheritedEnv(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { process: child, output: () => output, exited };
}

/** Starts the server process and waits until /healthz answers. */
export async function spawnServer(opts: {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
  /** Default 30 s. */
  timeoutMs?: number;
}): Promise<ChildServer> {
  const run = runMain({
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    DATA_DIR: opts.dataDir,
    JWT_SECRET: 'hardening-tests-secret-of-32-characters-or-more',
    ...opts.env,
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void run.exited.then(() => (done = true));
  for (;;) {
    if (done) throw new Error(`the server exited during start:\n${run.output()}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      run.process.kill('SIGKILL');
      throw new Error(`the server did not start in ${timeoutMs / 1000} s:\n${run.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...run, url, wsUrl: `ws://127.0.0.1:${opts.port}/trpc` };
}

/** A raw WebSocket that records what it receives and how it closed. */
export function rawSocket(url: string, opts: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url, opts);
  const messages: string[] = [];
  let closed: { code: number; reason: string } | null = null;
  ws.on('message', (data) => messages.push(data.toString()));
  ws.on('error', () => undefined);
  const closing = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve((closed = { code, reason: reason.toString() }))),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`unexpected response ${res.statusCode}`)),
    );
  });
  return {
    ws,
    messages,
    opened,
    closing,
    get closed() {
      return closed;
    },
    /** Sends an `auth.me` query with this id and resolves with its answer. */
    async askMe(id: number | string = 1): Promise<Record<string, unknown>> {
      ws.send(
        JSON.stringify({ id, method: 'query', params: { path: 'auth.me', input: { json: null } } }),
      );
      return waitFor(() => this.json().find((m) => m.id === id), 5000, `the answer to ${id}`);
    },
    /** The parsed JSON messages (PING/PONG and unparsable ones skipped). */
    json(): Array<Record<string, unknown>> {
      return messages.flatMap((m) => {
        try {
          const value = JSON.parse(m) as unknown;
          return typeof value === 'object' && value !== null
            ? [value as Record<string, unknown>]
            : [];
        } catch {
          return [];
        }
      });
    },
  };
}

/** A raw socket signed in with connectionParams (its context is built on the first message after). */
export async function signedInSocket(
  wsUrl: string,
  token: string,
  opts: WebSocket.ClientOptions = {},
) {
  const socket = rawSocket(`${wsUrl}?connectionParams=1`, opts);
  await socket.opened;
  socket.ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
  return socket;
}

/** The tRPC error code in a raw WebSocket or HTTP error message (superjson-wrapped or not). */
export function trpcCodeOf(message: Record<string, unknown> | unknown): string | undefined {
  const error = (
    message as { error?: { json?: { data?: { code?: string } }; data?: { code?: string } } }
  ).error;
  return error?.json?.data?.code ?? error?.data?.code;
}

export function trpcMessageOf(message: Record<string, unknown> | unknown): string | undefined {
  const error = (message as { error?: { json?: { message?: string }; message?: string } }).error;
  return error?.json?.message ?? error?.message;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a raw HTTP exchange got back, and when the server closed the connection. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/**
 * Writes `parts` to a fresh TCP connection (waiting `gapMs` between them, as a slow client would)
 * and reads whatever comes back until the server closes the connection (or `timeoutMs` passes,
 * then `closedAfterMs` is Infinity).
 */
export function rawHttp(
  url: string,
  parts: (string | Buffer)[],
  opts: { gapMs?: number; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const { port, hostname } = new URL(url);
  const started = Date.now();
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  let next = 0;
  const writer = setInterval(() => {
    if (next < parts.length && !socket.destroyed) socket.write(parts[next++]!);
    else clearInterval(writer);
  }, opts.gapMs ?? 0);
  return new Promise((resolve) => {
    const finish = (closedAfterMs: number) => {
      clearInterval(writer);
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
        closedAfterMs,
      });
    };
    const timer = setTimeout(() => finish(Infinity), opts.timeoutMs ?? 10_000);
    socket.on('close', () => finish(Date.now() - started));
  });
}
