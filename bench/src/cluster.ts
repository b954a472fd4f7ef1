import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  BenchUser,
  Command,
  ConnectResult,
  GroupTrafficResult,
  TargetName,
  TrafficResult,
} from './protocol.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { TARGETS, type SeedContext } from './targets.ts';
import { Histogram } from './stats.ts';
import { WorkerPool, type WorkerReply } from './workers.ts';

export interface BenchOptions {
  /** The server to drive. */
  target: TargetName;
  quick: boolean;
  workers: number;
  /** Write CPU profiles of the server's measured phases into this directory. */
  profileDir?: string;
  log: (line: string) => void;
  /** Scenario 2 only (for profiling): messages per second and measured seconds instead of the spec's. */
  rate?: number;
  durationSeconds?: number;
}

/** A fresh server on a fresh SQLite file, plus the load-generator processes. */
export interface Cluster {
  target: TargetName;
  server: ServerProcess;
  /** Runs `phase` under the CPU profiler when profiling was asked for. */
  profiled<T>(name: string, phase: () => Promise<T>): Promise<T>;
  pool: WorkerPool;
  dataDir: string;
  jwtSecret: string;
}

/** Seeds `opts.target`'s storage, starts its server, runs `body`, and cleans everything up. */
export async function withCluster<S, T>(
  opts: BenchOptions,
  seed: (ctx: SeedContext) => Promise<S>,
  body: (cluster: Cluster, seeded: S) => Promise<T>,
  extra: { dataDir?: string; encryptionKey?: Buffer } = {},
): Promise<T> {
  const target = TARGETS[opts.target];
  const dataDir = extra.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'parley-bench-')));
  const jwtSecret = randomBytes(32).toString('base64url');
  const encryptionKey = extra.encryptionKey ?? randomBytes(32);
  let server: ServerProcess | null = null;
  let pool: WorkerPool | null = null;
  try {
    const seeded = await target.seed(dataDir, jwtSecret, encryptionKey, seed);
    server = await startServer({
      ...target.server(dataDir, jwtSecret, encryptionKey),
      profile: opts.profileDir !== undefined,
      log: (line) => opts.log(`  server: ${line}`),
    });
    pool = new WorkerPool(opts.workers);
    const running = server;
    const profiled = async <T>(name: string, phase: () => Promise<T>): Promise<T> => {
      if (!opts.profileDir) return phase();
      await running.startProfile();
      try {
        return await phase();
      } finally {
        const file = path.join(
          opts.profileDir,
          `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
        );
        await running.stopProfile(file);
        opts.log(`  profile: ${file}`);
      }
    };
    return await body({ target: opts.target, server, pool, dataDir, jwtSecret, profiled }, seeded);
  } finally {
    await pool?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Splits pairs of users across workers: pair k goes to worker k mod n, both users together. */
export function splitPairs(pairs: Array<[BenchUser, BenchUser]>, workers: number) {
  const parts = Array.from({ length: workers }, () => ({
    users: [] as BenchUser[],
    pairs: [] as Array<[number, number]>,
  }));
  pairs.forEach(([a, b], k) => {
    const part = parts[k % workers]!;
    part.pairs.push([part.users.length, part.users.length + 1]);
    part.users.push(a, b);
  });
  return parts;
}

export function pairUp<T>(users: T[]): Array<[T, T]> {
  const pairs: Array<[T, T]> = [];
  for (let i = 0; i + 1 < users.length; i += 2) pairs.push([users[i]!, users[i + 1]!]);
  return pairs;
}

export interface MergedConnect {
  opened: number;
  ready: number;
  errors: number;
  errorSamples: string[];
  readyLatency: Histogram;
  elapsedMs: number;
}

export function mergeConnect(replies: WorkerReply<ConnectResult>[]): MergedConnect {
  return {
    opened: sum(replies.map((r) => r.result.opened)),
    ready: sum(replies.map((r) => r.result.ready)),
    errors: sum(replies.map((r) => r.result.errors)),
    errorSamples: replies.flatMap((r) => r.result.errorSamples).slice(0, 5),
    readyLatency: replies.reduce((h, r) => h.merge(r.result.readyLatency), new Histogram()),
    elapsedMs: Math.max(...replies.map((r) => r.result.elapsedMs)),
  };
}

/** Every worker's TrafficResult added up, with the histograms merged. */
export type MergedTraffic = Omit<TrafficResult, 'latency' | 'ackLatency' | 'resubscribe'> & {
  latency: Histogram;
  ackLatency: Histogram;
  resubscribe: Histogram | null;
  /** CPU of the load generators during the run, in cores (1 = one core busy). */
  loadGenCores: number;
  loadGenLoopDelayP99Ms: number;
};

/** Counts by error code, added up across workers. */
function mergeCounts(results: Array<{ errorCounts: Record<string, number> }>) {
  const errorCounts: Record<string, number> = {};
  for (const r of results)
    for (const [k, n] of Object.entries(r.errorCounts)) errorCounts[k] = (errorCounts[k] ?? 0) + n;
  return errorCounts;
}

export function mergeTraffic(replies: WorkerReply<TrafficResult>[]): MergedTraffic {
  const results = replies.map((r) => r.result);
  const errorCounts = mergeCounts(results);
  const storm = results.some((r) => r.resubscribe);
  const wall = Math.max(...replies.map((r) => r.stats.wallMs));
  return {
    planned: sum(results.map((r) => r.planned)),
    acked: sum(results.map((r) => r.acked)),
    delivered: sum(results.map((r) => r.delivered)),
    lost: sum(results.map((r) => r.lost)),
    duplicates: sum(results.map((r) => r.duplicates)),
    eventIdGaps: sum(results.map((r) => r.eventIdGaps)),
    eventIdRepeats: sum(results.map((r) => r.eventIdRepeats)),
    outOfOrder: sum(results.map((r) => r.outOfOrder)),
    ackMismatches: sum(results.map((r) => r.ackMismatches)),
    failed: sum(results.map((r) => r.failed)),
    retries: sum(results.map((r) => r.retries)),
    errorCounts,
    errorSamples: Object.assign({}, ...results.map((r) => r.errorSamples)) as Record<
      string,
      string
    >,
    latency: results.reduce((h, r) => h.merge(r.latency), new Histogram()),
    ackLatency: results.reduce((h, r) => h.merge(r.ackLatency), new Histogram()),
    resubscribe: storm
      ? results.reduce((h, r) => (r.resubscribe ? h.merge(r.resubscribe) : h), new Histogram())
      : null,
    notResubscribed: sum(results.map((r) => r.notResubscribed)),
    sendWindowMs: Math.max(...results.map((r) => r.sendWindowMs)),
    deliveryWindowMs: Math.max(...results.map((r) => r.deliveryWindowMs)),
    loadGenCores: sum(replies.map((r) => r.stats.cpuMs)) / wall,
    loadGenLoopDelayP99Ms: Math.max(...replies.map((r) => r.stats.loopDelayP99Ms)),
  };
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Connects every worker's users (subscribed to chat.events) at `ratePerSecond` in total. */
export async function connectAll(
  cluster: Cluster,
  parts: Array<{ users: BenchUser[] }>,
  ratePerSecond: number,
  opts: { http?: boolean; timeoutMs?: number } = {},
): Promise<MergedConnect> {
  const commands: Command[] = parts.map((part) => ({
    type: 'connect',
    target: cluster.target,
    url: cluster.server.url,
    users: part.users,
    ratePerSecond: ratePerSecond / parts.length,
    timeoutMs: opts.timeoutMs ?? 60_000,
    http: opts.http ?? false,
  }));
  return mergeConnect(await cluster.pool.each<ConnectResult>(commands));
}

/** Runs traffic on every worker at `ratePerSecond` in total; also reports the server's CPU use. */
export async function runTraffic(
  cluster: Cluster,
  parts: Array<{ pairs: Array<[number, number]> }>,
  opts: {
    tag: string;
    ratePerSecond: number;
    durationMs: number;
    drainMs: number;
    transport: 'ws' | 'http';
    stormAtMs?: number;
  },
): Promise<
  MergedTraffic & { serverCores: number; serverCpuMs: number; serverWrittenBytes: number }
> {
  const totalPairs = sum(parts.map((p) => p.pairs.length));
  const cpu0 = cluster.server.cpuMs();
  const written0 = cluster.server.writtenBytes();
  const t0 = performance.now();
  const commands: Command[] = parts.map((part, w) => ({
    type: 'traffic',
    tag: `${opts.tag}w${w}`,
    pairs: part.pairs,
    ratePerSecond: (opts.ratePerSecond * part.pairs.length) / totalPairs,
    durationMs: opts.durationMs,
    drainMs: opts.drainMs,
    transport: opts.transport,
    ...(opts.stormAtMs !== undefined ? { stormAtMs: opts.stormAtMs } : {}),
  }));
  const go = () => cluster.pool.each<TrafficResult>(commands);
  // Warm-up runs are not profiled; measured runs are, when asked.
  const replies = await (opts.tag.startsWith('warm') ? go() : cluster.profiled(opts.tag, go));
  const merged = mergeTraffic(replies);
  // Over the whole run, drain included: slightly under the load while sending.
  const serverCpuMs = cluster.server.cpuMs() - cpu0;
  const serverCores = serverCpuMs / (performance.now() - t0);
  const serverWrittenBytes = cluster.server.writtenBytes() - written0;
  return { ...merged, serverCores, serverCpuMs, serverWrittenBytes };
}

export type MergedGroupTraffic = Omit<
  GroupTrafficResult,
  'lastMemberLatency' | 'deliveryLatency'
> & {
  lastMemberLatency: Histogram;
  deliveryLatency: Histogram;
  serverCpuMs: number;
  /** Bytes the server wrote to storage during the run (/proc/pid/io). */
  serverWrittenBytes: number;
  loadGenCores: number;
};

/**
 * Runs group traffic on every worker (each holds whole groups: all members of a group share a
 * load-generator process); also reports the server's CPU and storage writes.
 */
export async function runGroupTraffic(
  cluster: Cluster,
  parts: Array<{ groups: Array<{ conversationId: string; members: number[] }> }>,
  opts: { tag: string; ratePerSecond: number; durationMs: number; drainMs: number },
): Promise<MergedGroupTraffic> {
  const busy = parts.filter((p) => p.groups.length > 0);
  const totalGroups = sum(busy.map((p) => p.groups.length));
  const cpu0 = cluster.server.cpuMs();
  const written0 = cluster.server.writtenBytes();
  const commands: Command[] = parts.map((part, w) => ({
    type: 'groupTraffic',
    tag: `${opts.tag}w${w}`,
    groups: part.groups,
    ratePerSecond: (opts.ratePerSecond * part.groups.length) / totalGroups,
    durationMs: opts.durationMs,
    drainMs: opts.drainMs,
  }));
  const go = () => cluster.pool.each<GroupTrafficResult>(commands);
  const replies = await (opts.tag.startsWith('warm') ? go() : cluster.profiled(opts.tag, go));
  const results = replies.map((r) => r.result);
  const total = (
    key:
      | 'planned'
      | 'acked'
      | 'complete'
      | 'expectedDeliveries'
      | 'deliveries'
      | 'lost'
      | 'duplicates'
      | 'outOfOrder'
      | 'eventIdRepeats'
      | 'failed'
      | 'retries',
  ) => sum(results.map((r) => r[key]));
  const wall = Math.max(...replies.map((r) => r.stats.wallMs));
  return {
    planned: total('planned'),
    acked: total('acked'),
    complete: total('complete'),
    expectedDeliveries: total('expectedDeliveries'),
    deliveries: total('deliveries'),
    lost: total('lost'),
    duplicates: total('duplicates'),
    outOfOrder: total('outOfOrder'),
    eventIdRepeats: total('eventIdRepeats'),
    failed: total('failed'),
    retries: total('retries'),
    errorCounts: mergeCounts(results),
    errorSamples: Object.assign({}, ...results.map((r) => r.errorSamples)) as Record<
      string,
      string
    >,
    lastMemberLatency: results.reduce((h, r) => h.merge(r.lastMemberLatency), new Histogram()),
    deliveryLatency: results.reduce((h, r) => h.merge(r.deliveryLatency), new Histogram()),
    sendWindowMs: Math.max(...results.map((r) => r.sendWindowMs)),
    serverCpuMs: cluster.server.cpuMs() - cpu0,
    serverWrittenBytes: cluster.server.writtenBytes() - written0,
    loadGenCores: sum(replies.map((r) => r.stats.cpuMs)) / wall,
  };
}
