import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '@parley/testing';
import WebSocket from 'ws';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** `node --import TSX_LOADER file.ts` runs TypeScript (the load generators, the baseline server). */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size of the server process, bytes (from /proc). */
  rss(): number;
  /** CPU time (user + system) the server process used so far, ms (from /proc). */
  cpuMs(): number;
  /** Bytes the server process caused to be written to storage so far (`write_bytes` of /proc/pid/io). */
  writtenBytes(): number;
  /** SIGTERM, then SIGKILL after 20 s: how it ended (exit code 0 after a graceful stop). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts sampling the server's CPU (V8 inspector), to profile one phase only. */
  startProfile(): Promise<void>;
  /** A full garbage collection in the server (through the inspector). */
  collectGarbage(): Promise<void>;
  /** The server's `process.memoryUsage()`, bytes. */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  /** Stops sampling and writes a `.cpuprofile` (open it in Chrome DevTools or speedscope). */
  stopProfile(file: string): Promise<void>;
}

/** A minimal Chrome DevTools Protocol session over the inspector's WebSocket. */
async function inspectorSession(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl, {
    perMessageDeflate: false,
    maxPayload: 2 ** 30,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/pid/stat; index 11 and 12 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

function procWrittenBytes(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

function procRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Starts a server (`node [args]`, this Node) as its own process in production mode on a free
 * loopback port, and waits for /healthz. The inspector is always open on another loopback port,
 * for full GCs and memory figures, and for profiles.
 */
export async function startServer(opts: {
  /** Node's arguments: the entry file, and a loader before it if needed. */
  args: string[];
  env: Record<string, string>;
  /** Profile phases. */
  profile?: boolean;
  log?: (line: string) => void;
}): Promise<ServerProcess> {
  const port = await freePort();
  const inspectPort = await freePort();
  const args = [`--inspect=127.0.0.1:${inspectPort}`, ...opts.args];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      if (output.length < 200) output.push(line);
      opts.log?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the server exited during start:\n${output.join('\n')}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy in 30 s:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  const inspector = await inspectorSession(inspectPort);
  return {
    url,
    pid,
    rss: () => procRss(pid),
    cpuMs: () => procCpuMs(pid),
    writtenBytes: () => procWrittenBytes(pid),
    async collectGarbage() {
      await inspector.send('HeapProfiler.collectGarbage');
    },
    async memoryUsage() {
      const { result } = (await inspector.send('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value: string } };
      return JSON.parse(result.value) as NodeJS.MemoryUsage;
    },
    async startProfile() {
      if (!opts.profile) return;
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.setSamplingInterval', { interval: 500 });
      await inspector.send('Profiler.start');
    },
    async stopProfile(file) {
      if (!opts.profile) return;
      const { profile } = (await inspector.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
    },
    async stop() {
      inspector.close();
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const ended = await exit;
      clearTimeout(timer);
      return ended;
    },
  };
}
