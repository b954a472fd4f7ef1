import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, CommandResult, Reply, WorkerStats } from './protocol.ts';
import { TSX_LOADER } from './server-process.ts';

const WORKER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

export interface WorkerReply<T extends CommandResult = CommandResult> {
  result: T;
  stats: WorkerStats;
}

/** Load-generator processes (never the server's process), each a `worker.ts` under tsx. */
export class WorkerPool {
  private readonly children: ChildProcess[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const child = fork(WORKER_ENTRY, [], {
        execArgv: ['--import', TSX_LOADER, '--max-old-space-size=4096'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, PARLEY_BENCH_WORKER: String(i) },
      });
      child.on('message', (reply: Reply) => {
        const waiter = this.pending.get(reply.id);
        if (!waiter) return;
        this.pending.delete(reply.id);
        if (reply.ok) waiter.resolve({ result: reply.result, stats: reply.stats });
        else waiter.reject(new Error(`load generator ${i}: ${reply.error}`));
      });
      child.on('exit', (code) => {
        for (const [id, waiter] of this.pending) {
          this.pending.delete(id);
          waiter.reject(new Error(`load generator ${i} exited (${code})`));
        }
      });
      this.children.push(child);
    }
  }

  /** Sends one command to worker `index`; rejects if it takes longer than `timeoutMs`. */
  call<T extends CommandResult>(
    index: number,
    command: Command,
    timeoutMs = 600_000,
  ): Promise<WorkerReply<T>> {
    const child = this.children[index];
    if (!child) throw new Error(`no worker ${index}`);
    const id = this.nextId++;
    return new Promise<WorkerReply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`load generator ${index}: ${command.type} timed out after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as WorkerReply<T>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, command });
    });
  }

  /** One command per worker (by index), all at once. */
  each<T extends CommandResult>(
    commands: Command[],
    timeoutMs?: number,
  ): Promise<WorkerReply<T>[]> {
    return Promise.all(commands.map((c, i) => this.call<T>(i, c, timeoutMs)));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.disconnect();
          }),
      ),
    );
  }
}
