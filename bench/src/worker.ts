/**
 * A load-generator process: many real users of the server under test, each with its own socket
 * (parley-client.ts or baseline-client.ts), driven by the orchestrator over IPC. It runs in its
 * own process so it never shares an event loop with the server. The pacing and every check are
 * the same whichever server it drives.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { baselineProtocol } from './baseline-client.ts';
import type { LoadClient, LoadProtocol, SeenMessage } from './load-client.ts';
import { parleyProtocol } from './parley-client.ts';
import type {
  BenchUser,
  Command,
  CommandResult,
  ConnectResult,
  DropResult,
  GroupTrafficResult,
  HistoryResult,
  SearchResult,
  LoginResult,
  Reply,
  Request,
  TargetName,
  TrafficResult,
} from './protocol.ts';
import { Histogram } from './stats.ts';

const PROTOCOLS: Record<TargetName, LoadProtocol> = {
  parley: parleyProtocol,
  baseline: baselineProtocol,
};

interface Client {
  /** Its place in `clients`. */
  index: number;
  user: BenchUser;
  connection: LoadClient;
  readies: number;
  /** Set while waiting for the stream to be ready again (first connect or after a drop). */
  waitingSince: number | null;
}

/** Per-run state the event handlers report deliveries to. */
interface Run {
  prefix: string;
  t0: Float64Array;
  /** When each send was acknowledged (0: not yet). */
  ackedAt: Float64Array;
  state: Uint8Array;
  ackIds: string[];
  deliveredIds: string[];
  /** Per recipient and sender: the latest send start among the messages delivered so far. */
  latestSentDelivered: Map<string, number>;
  latency: Histogram;
  duplicates: number;
  outOfOrder: number;
  lastDeliveryAt: number;
  stray: number;
}

const ACKED = 1;
const DELIVERED = 2;
const FAILED = 4;

const clients: Client[] = [];
let protocol: LoadProtocol = parleyProtocol;
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

function onReady(client: Client) {
  client.readies++;
  if (client.waitingSince !== null) {
    const took = performance.now() - client.waitingSince;
    (client.readies === 1 ? readyHistogram : resubscribeHistogram)?.record(took);
    client.waitingSince = null;
  }
}

function onMessage(client: Client, message: SeenMessage) {
  if (message.senderId === client.user.id) return;
  if (groupRun) return onGroupMessage(groupRun, client, message);
  const current = run;
  const cmid = message.clientMessageId;
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
  current.deliveredIds[index] = message.id;
  current.latency.record(now - current.t0[index]!);
  current.lastDeliveryAt = now;
  // Causal order: a message acknowledged before another was sent must arrive before it.
  const key = `${client.user.id}<${message.senderId}`;
  const latestSent = current.latestSentDelivered.get(key) ?? 0;
  const ackedAt = current.ackedAt[index]!;
  if (ackedAt > 0 && latestSent > ackedAt) current.outOfOrder++;
  if (current.t0[index]! > latestSent) current.latestSentDelivered.set(key, current.t0[index]!);
}

function makeClient(url: string, user: BenchUser, withHttp: boolean): Client {
  const client: Client = {
    index: clients.length,
    user,
    readies: 0,
    waitingSince: performance.now(),
    connection: protocol.connect(
      url,
      user,
      {
        ready: () => onReady(client),
        message: (message) => onMessage(client, message),
        streamError: (kind) => (kind === 'gap' ? eventIdGaps++ : eventIdRepeats++),
        error: (error) => {
          connectErrorCount++;
          if (connectErrors.length < 5) connectErrors.push(protocol.errorCode(error));
        },
      },
      { http: withHttp },
    ),
  };
  return client;
}

async function connect(cmd: Extract<Command, { type: 'connect' }>): Promise<ConnectResult> {
  protocol = PROTOCOLS[cmd.target];
  readyHistogram = new Histogram();
  const started = performance.now();
  const first = clients.length;
  const interval = 1000 / cmd.ratePerSecond;
  for (let i = 0; i < cmd.users.length; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    clients.push(makeClient(cmd.url, cmd.users[i]!, cmd.http === true));
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

/** Cuts every socket now; each is waited for again, its next `ready` timed into the result. */
function dropAll(): Histogram {
  const resubscribed = new Histogram();
  resubscribeHistogram = resubscribed;
  const now = performance.now();
  for (const client of clients) {
    client.waitingSince = now;
    client.connection.drop();
  }
  return resubscribed;
}

const text = 'benchmark message: the quick brown fox jumps over the lazy dog';

/** 8 to 64 characters, as the API requires; the digits after the prefix are the index. */
const messageIdOf = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}`;

interface Tally {
  retries: number;
  errorCounts: Record<string, number>;
}

/**
 * Calls `send` until it is acknowledged (its message id), retrying with the same
 * clientMessageId — the server must answer with the original, never store a second message —
 * or gives up after `giveUpAt` (null).
 */
async function untilAcked(
  send: () => Promise<string>,
  giveUpAt: number,
  tally: Tally,
): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const code = protocol.errorCode(error);
      tally.errorCounts[code] = (tally.errorCounts[code] ?? 0) + 1;
      errorSamples[code] ??= detail(error);
      if (performance.now() > giveUpAt) return null;
      tally.retries++;
      await sleep(Math.min(1000, 50 * 2 ** attempt));
    }
  }
}

async function traffic(cmd: Extract<Command, { type: 'traffic' }>): Promise<TrafficResult> {
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  const current: Run = {
    prefix: `${cmd.tag}-`,
    t0: new Float64Array(planned),
    ackedAt: new Float64Array(planned),
    state: new Uint8Array(planned),
    ackIds: new Array<string>(planned),
    deliveredIds: new Array<string>(planned),
    latestSentDelivered: new Map(),
    latency: new Histogram(),
    duplicates: 0,
    outOfOrder: 0,
    lastDeliveryAt: 0,
    stray: 0,
  };
  run = current;
  eventIdGaps = 0;
  eventIdRepeats = 0;
  const ackLatency = new Histogram();
  const tally: Tally = { retries: 0, errorCounts: {} };
  const pairs = cmd.pairs;
  const started = performance.now();
  const stopSendingBy = started + cmd.durationMs + cmd.drainMs;

  async function send(i: number) {
    const pair = pairs[i % pairs.length]!;
    const forward = Math.floor(i / pairs.length) % 2 === 0;
    const from = clients[forward ? pair[0] : pair[1]]!;
    const to = clients[forward ? pair[1] : pair[0]]!;
    const clientMessageId = messageIdOf(current.prefix, i);
    current.t0[i] = performance.now();
    const id = await untilAcked(
      () => from.connection.send(to.user, text, clientMessageId, cmd.transport),
      stopSendingBy,
      tally,
    );
    if (id === null) {
      current.state[i]! |= FAILED;
      return;
    }
    current.ackIds[i] = id;
    current.state[i]! |= ACKED;
    current.ackedAt[i] = performance.now();
    ackLatency.record(current.ackedAt[i]! - current.t0[i]!);
  }

  resubscribeHistogram = null;
  const storm = cmd.stormAtMs === undefined ? null : sleep(cmd.stormAtMs).then(dropAll);

  const sends = await openLoop(planned, cmd.ratePerSecond, started, send);
  const sendWindowMs = performance.now() - started;
  const resubscribed = await storm;
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
  let ackMismatches = 0;
  for (let i = 0; i < planned; i++) {
    const s = current.state[i]!;
    if (s & ACKED) acked++;
    if (s & DELIVERED) delivered++;
    if (s & ACKED && !(s & DELIVERED)) lost++;
    if (s & FAILED) failed++;
    if (s & ACKED && s & DELIVERED && current.ackIds[i] !== current.deliveredIds[i])
      ackMismatches++;
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
    outOfOrder: current.outOfOrder,
    ackMismatches,
    failed,
    retries: tally.retries,
    errorCounts: tally.errorCounts,
    errorSamples: { ...errorSamples },
    latency: current.latency.toJSON(),
    ackLatency: ackLatency.toJSON(),
    resubscribe: resubscribed?.toJSON() ?? null,
    notResubscribed,
    sendWindowMs,
    deliveryWindowMs: (current.lastDeliveryAt || performance.now()) - started,
  };
}

/** Per-run state of group traffic: every message must reach every other member of its group once. */
interface GroupRun {
  prefix: string;
  t0: Float64Array;
  ackedAt: Float64Array;
  state: Uint8Array;
  /** Members but the sender, per message; and how many of them got it so far. */
  expected: Uint16Array;
  got: Uint16Array;
  /** Per recipient (client index): which messages it received. */
  received: Map<number, Uint8Array>;
  latestSentDelivered: Map<string, number>;
  lastMember: Histogram;
  delivery: Histogram;
  duplicates: number;
  outOfOrder: number;
}

let groupRun: GroupRun | null = null;

function onGroupMessage(current: GroupRun, client: Client, message: SeenMessage) {
  const cmid = message.clientMessageId;
  if (!cmid.startsWith(current.prefix)) return;
  const index = Number(cmid.slice(current.prefix.length));
  if (!(index < current.t0.length)) return;
  let mine = current.received.get(client.index);
  if (!mine) current.received.set(client.index, (mine = new Uint8Array(current.t0.length)));
  if (mine[index]) {
    current.duplicates++;
    return;
  }
  mine[index] = 1;
  const now = performance.now();
  current.delivery.record(now - current.t0[index]!);
  if (++current.got[index]! === current.expected[index])
    current.lastMember.record(now - current.t0[index]!);
  const key = `${client.index}<${message.senderId}`;
  const latestSent = current.latestSentDelivered.get(key) ?? 0;
  const ackedAt = current.ackedAt[index]!;
  if (ackedAt > 0 && latestSent > ackedAt) current.outOfOrder++;
  if (current.t0[index]! > latestSent) current.latestSentDelivered.set(key, current.t0[index]!);
}

async function groupTraffic(
  cmd: Extract<Command, { type: 'groupTraffic' }>,
): Promise<GroupTrafficResult> {
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  const current: GroupRun = {
    prefix: `${cmd.tag}-`,
    t0: new Float64Array(planned),
    ackedAt: new Float64Array(planned),
    state: new Uint8Array(planned),
    expected: new Uint16Array(planned),
    got: new Uint16Array(planned),
    received: new Map(),
    latestSentDelivered: new Map(),
    lastMember: new Histogram(),
    delivery: new Histogram(),
    duplicates: 0,
    outOfOrder: 0,
  };
  groupRun = current;
  eventIdRepeats = 0;
  const tally: Tally = { retries: 0, errorCounts: {} };
  const { groups } = cmd;
  const started = performance.now();
  const stopSendingBy = started + cmd.durationMs + cmd.drainMs;

  async function post(i: number) {
    const group = groups[i % groups.length]!;
    const from = clients[group.members[Math.floor(i / groups.length) % group.members.length]!]!;
    current.expected[i] = group.members.length - 1;
    current.t0[i] = performance.now();
    const clientMessageId = messageIdOf(current.prefix, i);
    const id = await untilAcked(
      () => from.connection.post!(group.conversationId, text, clientMessageId),
      stopSendingBy,
      tally,
    );
    if (id === null) current.state[i]! |= FAILED;
    else {
      current.state[i]! |= ACKED;
      current.ackedAt[i] = performance.now();
    }
  }

  const sends = await openLoop(planned, cmd.ratePerSecond, started, post);
  const sendWindowMs = performance.now() - started;
  const drainDeadline = performance.now() + cmd.drainMs;
  const outstanding = () => {
    for (let i = 0; i < planned; i++)
      if (!(current.state[i]! & FAILED) && current.got[i]! < current.expected[i]!) return true;
    return false;
  };
  while (performance.now() < drainDeadline && (sends.running() > 0 || outstanding()))
    await sleep(20);
  await sleep(Math.min(500, cmd.drainMs));
  groupRun = null;

  let acked = 0;
  let complete = 0;
  let failed = 0;
  let lost = 0;
  let expectedDeliveries = 0;
  let deliveries = 0;
  for (let i = 0; i < planned; i++) {
    const s = current.state[i]!;
    expectedDeliveries += current.expected[i]!;
    deliveries += current.got[i]!;
    if (s & ACKED) acked++;
    if (s & FAILED) failed++;
    if (current.got[i]! >= current.expected[i]!) complete++;
    else if (s & ACKED) lost++;
  }
  return {
    planned,
    acked,
    complete,
    expectedDeliveries,
    deliveries,
    lost,
    duplicates: current.duplicates,
    outOfOrder: current.outOfOrder,
    eventIdRepeats,
    failed,
    retries: tally.retries,
    errorCounts: tally.errorCounts,
    errorSamples: { ...errorSamples },
    lastMemberLatency: current.lastMember.toJSON(),
    deliveryLatency: current.delivery.toJSON(),
    sendWindowMs,
  };
}

async function drop(cmd: Extract<Command, { type: 'drop' }>): Promise<DropResult> {
  const started = performance.now();
  const resubscribe = dropAll();
  const deadline = started + cmd.timeoutMs;
  while (clients.some((c) => c.waitingSince !== null) && performance.now() < deadline)
    await sleep(5);
  const elapsedMs = performance.now() - started;
  return {
    dropped: clients.length,
    resubscribed: clients.filter((c) => c.waitingSince === null).length,
    resubscribe: resubscribe.toJSON(),
    elapsedMs,
  };
}

/**
 * Reads at a steady rate, each timed: `read` resolves with whether its answer was complete (a
 * full page, a search that found something).
 */
async function pacedReads(
  cmd: { ratePerSecond: number; durationMs: number },
  read: (i: number) => Promise<boolean>,
) {
  const latency = new Histogram();
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  let ok = 0;
  let errors = 0;
  let incomplete = 0;
  const started = performance.now();
  async function timed(i: number) {
    const t0 = performance.now();
    try {
      const complete = await read(i);
      latency.record(performance.now() - t0);
      ok++;
      if (!complete) incomplete++;
    } catch {
      errors++;
    }
  }
  await (await openLoop(planned, cmd.ratePerSecond, started, timed)).all();
  return {
    requests: planned,
    ok,
    errors,
    incomplete,
    latency: latency.toJSON(),
    elapsedMs: performance.now() - started,
  };
}

async function history(cmd: Extract<Command, { type: 'history' }>): Promise<HistoryResult> {
  const { incomplete, ...result } = await pacedReads(cmd, async (i) => {
    const target = cmd.targets[i % cmd.targets.length]!;
    const client = clients[target.client]!;
    // Half the pages are the newest (opening a conversation), half scroll back from a cursor.
    const before = i % 2 === 0 ? null : (target.cursors[(i >> 1) % target.cursors.length] ?? null);
    const items = await client.connection.history!(target.conversationId, before, cmd.pageSize);
    return items === cmd.pageSize;
  });
  return { ...result, wrongPages: incomplete };
}

async function search(cmd: Extract<Command, { type: 'search' }>): Promise<SearchResult> {
  const { incomplete, ...result } = await pacedReads(cmd, async (i) => {
    const target = cmd.targets[i % cmd.targets.length]!;
    const client = clients[target.client]!;
    const q = cmd.queries[i % cmd.queries.length]!;
    // Every other search within the user's conversation, the others across all of theirs.
    const conversationId = (i >> 1) % 2 === 0 ? null : target.conversationId;
    return (await client.connection.search!(q, conversationId, cmd.limit)) > 0;
  });
  return { ...result, empty: incomplete };
}

async function logins(cmd: Extract<Command, { type: 'logins' }>): Promise<LoginResult> {
  const target = PROTOCOLS[cmd.target];
  const latency = new Histogram();
  const planned = Math.floor((cmd.ratePerSecond * cmd.durationMs) / 1000);
  const errorSamples: string[] = [];
  let ok = 0;
  let errors = 0;
  async function login(i: number) {
    const t0 = performance.now();
    try {
      await target.login(cmd.url, cmd.logins[i % cmd.logins.length]!, cmd.password);
      ok++;
      latency.record(performance.now() - t0);
    } catch (error) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(target.errorCode(error));
    }
  }
  await (await openLoop(planned, cmd.ratePerSecond, performance.now(), login)).all();
  return { attempted: planned, ok, errors, errorSamples, latency: latency.toJSON() };
}

async function disconnect(): Promise<{ closed: number }> {
  const all = clients.splice(0);
  await Promise.all(all.map((c) => c.connection.close()));
  return { closed: all.length };
}

async function handle(command: Command): Promise<CommandResult> {
  switch (command.type) {
    case 'connect':
      return connect(command);
    case 'traffic':
      return traffic(command);
    case 'groupTraffic':
      return groupTraffic(command);
    case 'drop':
      return drop(command);
    case 'history':
      return history(command);
    case 'search':
      return search(command);
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
