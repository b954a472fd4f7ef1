import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { freePort } from '@parley/testing';
import { setTimeout as sleep } from 'node:timers/promises';

/** For tests: a throwaway redis-server on a loopback port, without persistence. */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills it (SIGKILL: everything in memory is lost, like a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `redis-server` (from PATH, or REDIS_SERVER_BIN) on a free port; resolves once it answers PING. */
export async function startTestRedis(
  opts: { port?: number; timeoutMs?: number } = {},
): Promise<TestRedis> {
  const port = opts.port ?? (await freePort());
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  let child: ChildProcess | null = null;
  let output = '';

  async function start() {
    output = '';
    const proc = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const spawnFailed = new Promise<never>((_, reject) => proc.once('error', reject));
    spawnFailed.catch(() => undefined);
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      if (proc.exitCode !== null)
        throw new Error(`redis-server exited (${proc.exitCode}): ${output.trim()}`);
      if (await Promise.race([answersPing(port), spawnFailed])) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`redis-server did not answer on port ${port}: ${output.trim()}`);
      }
      await sleep(50);
    }
  }

  async function kill() {
    const proc = child;
    child = null;
    if (!proc) return;
    proc.kill('SIGKILL');
    await exited(proc);
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    stop: kill,
  };
}
