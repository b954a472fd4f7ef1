/**
 * A load-generator process: many real Parley users, each with its own WebSocket through the
 * stock `@trpc/client` (`createWSClient` + `wsLink`, superjson), driven by the orchestrator
 * over IPC. It runs in its own process so it never shares an event loop with the server.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AppRouter, ChatEvent } from '@parley/api';
import { holdWhileReconnecting, reconnectDelayMs } from '@parley/client';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  TRPCClientError,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type {
  BenchUser,
  Command,
  CommandResult,
  ConnectResult,
  HistoryResult,
  LoginResult,
  Reply,
  Request,
  TrafficResult,
} from './protocol.ts';
import { Histogram } from './stats.ts';

type Api = TRPCClient<AppRouter>;
type Unsubscribable = { unsubscribe(): void };

const DURABLE = new Set(['message.new', 'message.delivered', 'message.read']);

interface Client {
  user: BenchUser;
  socket: ReturnType<typeof createWSClient>;
  api: Api;
  http: Api | null;
  subscription: Unsubscribable | null;
  /** The last durable event id seen on this user's stream. */
  lastDurable: number | null;
  readies: number;
  /** Set while waiting for the stream to be ready again (first connect or after a drop). */
  waitingSince: number | null;
}

/** Per-run state the event handlers report deliveries to. */
interface Run {
  prefix: string;
  t0: Float64Array;
  state: Uint8Array;
  latency: Histogram;
  duplicates: number;
  lastDeliveryAt: number;
  stray: number;
}

const ACKED = 1;
const DELIVERED = 2;
const FAILED = 4;

const clients: Client[] = [];
let run: Run | null = null;
let eventIdGaps = 0;
let eventIdRepeats = 0;
let readyHistogram: Histogram | null = null;
let resubscribeHistogram: Histogram | null = null;
const connectErrors: string[] = [];
let connectErrorCount = 0;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The first full message seen for each error code, to tell what went wrong. */
const errorSamples: Record<string, string> = {};

function detail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (!(current instanceof Error)) {
      parts.push((JSON.stringify(current) ?? String(current)).slice(0, 200));
      break;
    }
    const code = (current as { code?: unknown }).code;
    parts.push(`${current.message}${typeof code === 'string' ? ` [${code}]` : ''}`);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' <- ').slice(0, 400);
}

function describe(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string } | undefined;
    return data?.code ?? (error.message.slice(0, 60) || 'TRPCClientError');
  }
  return error instanceof Error ? error.message.slice(0, 60) : String(error).slice(0, 60);
}

function onEvent(client: Client, item: { id: string; data: ChatEvent }) {
  const { data } = item;
  if (data.type === 'presence.snapshot') {
    client.lastDurable ??= Number(item.id);
    return;
  }
  if (data.type === 'ready') {
    client.readies++;
    if (client.waitingSince !== null) {
      const took = performance.now() - client.waitingSince;
      (client.readies === 1 ? readyHistogram : resubscribeHistogram)?.record(took);
      client.waitingSince = null;
    }
    return;
  }
  if (!DURABLE.has(data.type)) return;
  const id = Number(item.id);
  if (client.lastDurable !== null) {
    if (id <= client.lastDurable) eventIdRepeats++;
    else if (id !== client.lastDurable + 1) eventIdGaps++;
  }
  client.lastDurable = Math.max(id, client.lastDurable ?? 0);
  if (data.type !== 'message.new' || data.message.senderId === client.user.id) return;
  const current = run;
  const cmid = data.message.clientMessageId;
  if (!current || !cmid.startsWith(current.prefix)) return;
  const index = Number(cmid.slice(current.prefix.length));
  if (!(index < current.t0.length)) {
    current.stray++;
    return;
  }
  if (current.state[index]! & DELIVERED) {
    current.duplicates++;
    return;
  }
  const now = performance.now();
  current.state[index]! |= DELIVERED;
  current.latency.record(now - current.t0[index]!);
  current.lastDeliveryAt = now;
}

function makeClient(url: string, user: BenchUser, withHttp: boolean): Client {
  const socket = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token: user.token }),
    // The product's policy (@parley/client): 0.5 s doubling, with jitter, so a mass drop is no stampede.
    retryDelayMs: reconnectDelayMs,
  });
  const api = createTRPCClient<AppRouter>({
    // As @parley/client does: calls made during a reconnect wait for it (see holdWhileReconnecting).
    links: [holdWhileReconnecting(socket), wsLink({ client: socket, transformer: superjson })],
  });
  const http = withHttp
    ? createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${url}/trpc`,
            transformer: superjson,
            headers: { authorization: `Bearer ${user.token}` },
          }),
        ],
      })
    : null;
  return {
    user,
    socket,
    api,
    http,
    subscription: null,
    lastDurable: null,
    readies: 0,
    waitingSince: null,
  };
}

async function connect(cmd: Extract<Command, { type: 'connect' }>): Promise<ConnectResult> {
  readyHistogram = new Histogram();
  const started = performance.now();
  const first = clients.length;
  const interval = 1000 / cmd.ratePerSecond;
  for (let i = 0; i < cmd.users.length; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const client = makeClient(cmd.url, cmd.users[i]!, cmd.http === true);
    client.waitingSince = performance.now();
    client.subscription = client.api.chat.events.subscribe(
      {},
      {
        onData: (item) => onEvent(client, item),
        onError: (error) => {
          connectErrorCount++;
          if (connectErrors.length < 5) connectErrors.push(describe(error));
        },
      },
    );
    clients.push(client);
  }
  const mine = clients.slice(first);
  const deadline = performance.now() + cmd.timeoutMs;
  while (mine.some((c) => c.readies === 0) && performance.now() < deadline) await sleep(20);
  return {
    opened: mine.length,
    ready: mine.filter((c) => c.readies > 0).length,
    errors: connectErrorCount,
    errorSamples: [...connectErrors],
    readyLatency: readyHistogram.toJSON(),
    elapsedMs: performance.now() - started,
  };
}

/**
 * Starts `call(i)` for i = 0 .. planned-1 at `ratePerSecond` from `started`: an open loop, on
 * schedule whatever the answers do. Resolves once all have started; `running()` counts the
 * unsettled ones.
 */
async function openLoop(
  planned: number,
  ratePerSecond: number,
  started: number,
  call: (i: number) => Promise<void>,
) {
  let running = 0;
  const calls: Promise<void>[] = [];
  while (calls.length < planned) {
    const due = Math.min(
      planned,
      Math.floor(((performance.now() - started) * ratePerSecond) / 1000) + 1,
    );
    while (calls.length < due) {
      running++;
      calls.push(call(calls.length).finally(() => running--));
    }
    await sleep(1);
  }
  return { all: () => Promise.all(calls), running: () => running };
}

async function traffic(cmd: Extract<Command, { type: 'traffic' }>): Promise<TrafficResult> {
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  const current: Run = {
    prefix: `${cmd.tag}-`,
    t0: new Float64Array(planned),
    state: new Uint8Array(planned),
    latency: new Histogram(),
    duplicates: 0,
    lastDeliveryAt: 0,
    stray: 0,
  };
  run = current;
  eventIdGaps = 0;
  eventIdRepeats = 0;
  const ackLatency = new Histogram();
  const errorCounts: Record<string, number> = {};
  let retries = 0;
  const pairs = cmd.pairs;
  const text = 'benchmark message: the quick brown fox jumps over the lazy dog';
  const started = performance.now();
  const stopSendingBy = started + cmd.durationMs + cmd.drainMs;

  async function send(i: number) {
    const pair = pairs[i % pairs.length]!;
    const forward = Math.floor(i / pairs.length) % 2 === 0;
    const from = clients[forward ? pair[0] : pair[1]]!;
    const to = clients[forward ? pair[1] : pair[0]]!;
    // 8 to 64 characters, as the API requires; the digits after the prefix are the index.
    const clientMessageId = `${current.prefix}${String(i).padStart(8, '0')}`;
    const api = cmd.transport === 'http' ? from.http! : from.api;
    current.t0[i] = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await api.chat.send.mutate({ to: to.user.id, text, clientMessageId });
        current.state[i]! |= ACKED;
        ackLatency.record(performance.now() - current.t0[i]!);
        return;
      } catch (error) {
        const code = describe(error);
        errorCounts[code] = (errorCounts[code] ?? 0) + 1;
        errorSamples[code] ??= detail(error);
        if (performance.now() > stopSendingBy) {
          current.state[i]! |= FAILED;
          return;
        }
        retries++;
        // The same clientMessageId: the server must return the original, never store a second one.
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
  }

  let storm: Promise<void> | null = null;
  if (cmd.stormAtMs !== undefined) {
    resubscribeHistogram = new Histogram();
    const at = cmd.stormAtMs;
    storm = sleep(at).then(() => {
      const now = performance.now();
      for (const client of clients) {
        client.waitingSince = now;
        const ws = client.socket.connection?.ws as unknown as WebSocket | undefined;
        ws?.terminate();
      }
    });
  } else {
    resubscribeHistogram = null;
  }

  const sends = await openLoop(planned, cmd.ratePerSecond, started, send);
  const sendWindowMs = performance.now() - started;
  await storm;
  const drainDeadline = performance.now() + cmd.drainMs;
  const outstanding = () => {
    for (let i = 0; i < planned; i++) {
      const s = current.state[i]!;
      if (s & FAILED) continue;
      if (!(s & ACKED) || !(s & DELIVERED)) return true;
    }
    return false;
  };
  while (performance.now() < drainDeadline && (sends.running() > 0 || outstanding()))
    await sleep(20);
  // A little longer, so that late duplicates would show.
  await sleep(Math.min(500, cmd.drainMs));
  run = null;

  let acked = 0;
  let delivered = 0;
  let lost = 0;
  let failed = 0;
  for (let i = 0; i < planned; i++) {
    const s = current.state[i]!;
    if (s & ACKED) acked++;
    if (s & DELIVERED) delivered++;
    if (s & ACKED && !(s & DELIVERED)) lost++;
    if (s & FAILED) failed++;
  }
  const notResubscribed =
    cmd.stormAtMs !== undefined ? clients.filter((c) => c.waitingSince !== null).length : 0;
  return {
    planned,
    acked,
    delivered,
    lost,
    duplicates: current.duplicates,
    eventIdGaps,
    eventIdRepeats,
    failed,
    retries,
    errorCounts,
    errorSamples: { ...errorSamples },
    latency: current.latency.toJSON(),
    ackLatency: ackLatency.toJSON(),
    resubscribe: resubscribeHistogram?.toJSON() ?? null,
    notResubscribed,
    sendWindowMs,
    deliveryWindowMs: (current.lastDeliveryAt || performance.now()) - started,
  };
}

async function history(cmd: Extract<Command, { type: 'history' }>): Promise<HistoryResult> {
  const latency = new Histogram();
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  let ok = 0;
  let errors = 0;
  let wrongPages = 0;
  const started = performance.now();
  async function query(i: number) {
    const target = cmd.targets[i % cmd.targets.length]!;
    const client = clients[target.client]!;
    // Half the pages are the newest (opening a conversation), half scroll back from a cursor.
    const before = i % 2 === 0 ? null : (target.cursors[(i >> 1) % target.cursors.length] ?? null);
    const t0 = performance.now();
    try {
      const page = await client.api.chat.history.query({
        withUserId: target.withUserId,
        before,
        limit: cmd.pageSize,
      });
      latency.record(performance.now() - t0);
      ok++;
      if (page.items.length !== cmd.pageSize) wrongPages++;
    } catch {
      errors++;
    }
  }
  await (await openLoop(planned, cmd.ratePerSecond, started, query)).all();
  return {
    requests: planned,
    ok,
    errors,
    wrongPages,
    latency: latency.toJSON(),
    elapsedMs: performance.now() - started,
  };
}

async function logins(cmd: Extract<Command, { type: 'logins' }>): Promise<LoginResult> {
  const anonymous = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${cmd.url}/trpc`, transformer: superjson })],
  });
  const latency = new Histogram();
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  const errorSamples: string[] = [];
  let ok = 0;
  let errors = 0;
  async function login(i: number) {
    const t0 = performance.now();
    try {
      await anonymous.auth.login.mutate({
        login: cmd.logins[i % cmd.logins.length]!,
        password: cmd.password,
      });
      ok++;
      latency.record(performance.now() - t0);
    } catch (error) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(describe(error));
    }
  }
  await (await openLoop(planned, cmd.ratePerSecond, performance.now(), login)).all();
  return { attempted: planned, ok, errors, errorSamples, latency: latency.toJSON() };
}

async function disconnect(): Promise<{ closed: number }> {
  const all = clients.splice(0);
  for (const client of all) client.subscription?.unsubscribe();
  await Promise.all(all.map((c) => c.socket.close().catch(() => undefined)));
  return { closed: all.length };
}

async function handle(command: Command): Promise<CommandResult> {
  switch (command.type) {
    case 'connect':
      return connect(command);
    case 'traffic':
      return traffic(command);
    case 'history':
      return history(command);
    case 'logins':
      return logins(command);
    case 'disconnect':
      return disconnect();
  }
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

process.on('message', (raw: Request) => {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  loop.reset();
  handle(raw.command).then(
    (result) => {
      const used = process.cpuUsage(cpu);
      const reply: Reply = {
        id: raw.id,
        ok: true,
        result,
        stats: {
          cpuMs: (used.user + used.system) / 1000,
          wallMs: performance.now() - wall,
          loopDelayP99Ms: loop.percentile(99) / 1e6,
          rssBytes: process.memoryUsage.rss(),
        },
      };
      process.send!(reply);
    },
    (error: unknown) => {
      process.send!({
        id: raw.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies Reply);
    },
  );
});

process.on('disconnect', () => process.exit(0));
