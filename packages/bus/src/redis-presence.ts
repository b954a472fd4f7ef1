import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

/** A user whose presence changed without a connect/disconnect on this process (a crashed process's users, a resync). */
export interface PresenceChange {
  userId: string;
  online: boolean;
  /** When it happened; for `online: false`, the user's last seen time. */
  at: Date;
}

export interface RedisPresenceOptions {
  /** A regular (non-subscriber) connection, e.g. the Redis bus' `redis`. */
  redis: Redis;
  /** Every key this registry writes starts with it. Default `parley:presence:`. */
  keyPrefix?: string;
  /** How often this process tells Redis it is alive. Default 2 s. */
  heartbeatMs?: number;
  /** A process silent for longer is dead and its sockets no longer count. Default 6 s. */
  ttlMs?: number;
  /** How often this process looks for dead processes. Default 1 s. */
  sweepMs?: number;
  /** Background failures (heartbeat, sweep): reported once per outage. */
  onError?: (error: unknown) => void;
  /** Unique per process start; generated. */
  processId?: string;
}

/**
 * Presence shared by every process through Redis. Compatible with `PresenceRegistry` of @parley/api.
 *
 * Layout (all times are Redis' clock, so process clocks do not matter):
 * - `beats`: a sorted set, process id → time of its last heartbeat;
 * - `user:<id>`: the set of processes holding at least one socket of the user;
 * - `proc:<id>`: the set of users with at least one socket on the process.
 *
 * A user is online when a process in `user:<id>` has beaten within `ttlMs`. Each process counts
 * its own sockets in memory and writes only the 0 ↔ 1 transitions. Every process sweeps every
 * `sweepMs`: a script atomically removes the processes silent for longer than `ttlMs` and returns
 * the users who were online only there, so each of them is reported offline exactly once, by the
 * process whose sweep removed the dead one. A crashed process's users therefore go offline at
 * most `ttlMs + sweepMs` after its last heartbeat.
 *
 * A process that finds itself missing from `beats` (Redis restarted empty, or it stalled long
 * enough to be swept) or whose writes failed writes its whole state again on its next heartbeat
 * and reports who that brought back online or took offline.
 */
export interface RedisPresenceRegistry {
  readonly processId: string;
  /** Counts one more socket; true when the user just came online (on no other live process before). */
  connect(userId: string): Promise<boolean>;
  /** Counts one socket less; true when the user just went offline everywhere. */
  disconnect(userId: string): Promise<boolean>;
  onlineAmong(userIds: string[]): Promise<Set<string>>;
  /** Where changes noticed by heartbeats and sweeps go (the presence service announces them). */
  onChange(listener: (change: PresenceChange) => Promise<void> | void): void;
  /** Registers this process and starts the heartbeat and the sweep. */
  start(): Promise<void>;
  /** Runs one sweep now. */
  sweep(): Promise<void>;
  /**
   * Stops the timers. With `retire` (the default, for a graceful shutdown) this process's sockets
   * stop counting at once and the users who thereby went offline are reported; without it the
   * entries are left to expire, as after a crash.
   */
  close(opts?: { retire?: boolean }): Promise<void>;
}

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function alive(beats, pid, since)
  local s = redis.call('ZSCORE', beats, pid)
  return s and tonumber(s) >= since
end
local function any_alive(beats, user_key, since, except)
  for _, p in ipairs(redis.call('SMEMBERS', user_key)) do
    if p ~= except and alive(beats, p, since) then return true end
  end
  return false
end
`;

/** Removes a process's entries; appends {uid, at} for each user it leaves offline. */
const RETIRE_FN = `
local function retire(beats, prefix, pid, at, since, out)
  local proc_key = prefix .. 'proc:' .. pid
  for _, uid in ipairs(redis.call('SMEMBERS', proc_key)) do
    local user_key = prefix .. 'user:' .. uid
    redis.call('SREM', user_key, pid)
    if not any_alive(beats, user_key, since, '') then
      out[#out + 1] = uid
      out[#out + 1] = tostring(at)
    end
  end
  redis.call('DEL', proc_key)
end
`;

const SCRIPTS = {
  // KEYS: beats. ARGV: pid. → 1 when the process was not registered.
  parleyPresenceBeat: {
    numberOfKeys: 1,
    lua: `${PRELUDE} return redis.call('ZADD', KEYS[1], now_ms(), ARGV[1])`,
  },
  // Both also beat for the process, so its entries never exist without a fresh heartbeat; the
  // second number is 1 when the process was missing from `beats` (Redis restarted empty, or the
  // process was swept): the rest of its state must then be written again.
  // KEYS: beats, user, proc. ARGV: pid, uid, ttl. → {1 when no other live process had the user, missing}.
  parleyPresenceConnect: {
    numberOfKeys: 3,
    lua: `${PRELUDE}
local now = now_ms()
local missing = redis.call('ZADD', KEYS[1], now, ARGV[1])
local before = any_alive(KEYS[1], KEYS[2], now - tonumber(ARGV[3]), ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
if before then return {0, missing} end
return {1, missing}`,
  },
  // KEYS: beats, user, proc. ARGV: pid, uid, ttl. → {1 when no live process has the user any more, missing}.
  parleyPresenceDisconnect: {
    numberOfKeys: 3,
    lua: `${PRELUDE}
local now = now_ms()
local missing = redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[2])
if any_alive(KEYS[1], KEYS[2], now - tonumber(ARGV[3]), '') then return {0, missing} end
return {1, missing}`,
  },
  // KEYS: beats, user... ARGV: ttl. → 1/0 per user.
  parleyPresenceOnline: {
    lua: `${PRELUDE}
local since = now_ms() - tonumber(ARGV[1])
local out = {}
for i = 2, #KEYS do
  if any_alive(KEYS[1], KEYS[i], since, '') then out[i - 1] = 1 else out[i - 1] = 0 end
end
return out`,
  },
  // KEYS: beats. ARGV: ttl, prefix, limit. → {uid, lastSeenMs, ...} of users left offline by dead processes.
  parleyPresenceSweep: {
    numberOfKeys: 1,
    lua: `${PRELUDE} ${RETIRE_FN}
local since = now_ms() - tonumber(ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. since, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i = 1, #dead, 2 do
  redis.call('ZREM', KEYS[1], dead[i])
  retire(KEYS[1], ARGV[2], dead[i], dead[i + 1], since, out)
end
return out`,
  },
  // KEYS: beats. ARGV: ttl, prefix, pid. → {uid, atMs, ...} of users this process leaves offline.
  parleyPresenceRetire: {
    numberOfKeys: 1,
    lua: `${PRELUDE} ${RETIRE_FN}
local now = now_ms()
local out = {}
redis.call('ZREM', KEYS[1], ARGV[3])
retire(KEYS[1], ARGV[2], ARGV[3], now, now - tonumber(ARGV[1]), out)
return out`,
  },
  // KEYS: beats, proc. ARGV: pid, ttl, prefix, uid... (every user with a socket here)
  // → {uid, '1' | '0', ...}: users this brought online ('1') or left offline ('0').
  parleyPresenceResync: {
    numberOfKeys: 2,
    lua: `${PRELUDE}
local now = now_ms()
local since = now - tonumber(ARGV[2])
local pid, prefix = ARGV[1], ARGV[3]
redis.call('ZADD', KEYS[1], now, pid)
local want = {}
for i = 4, #ARGV do want[ARGV[i]] = true end
local out = {}
local have = {}
for _, uid in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if want[uid] then
    have[uid] = true
  else
    local user_key = prefix .. 'user:' .. uid
    redis.call('SREM', KEYS[2], uid)
    redis.call('SREM', user_key, pid)
    if not any_alive(KEYS[1], user_key, since, '') then
      out[#out + 1] = uid
      out[#out + 1] = '0'
    end
  end
end
for uid in pairs(want) do
  local user_key = prefix .. 'user:' .. uid
  if not have[uid] or redis.call('SISMEMBER', user_key, pid) == 0 then
    local before = any_alive(KEYS[1], user_key, since, pid)
    redis.call('SADD', user_key, pid)
    redis.call('SADD', KEYS[2], uid)
    if not before then
      out[#out + 1] = uid
      out[#out + 1] = '1'
    end
  end
end
return out`,
  },
} as const;

type Scripted = {
  [K in keyof typeof SCRIPTS]: (...args: (string | number)[]) => Promise<unknown>;
};

/** Keys per onlineAmong script call. */
const ONLINE_BATCH = 1000;
/** Dead processes per sweep call. */
const SWEEP_BATCH = 50;

function pairs(reply: unknown): [string, string][] {
  const flat = Array.isArray(reply) ? (reply as unknown[]).map(String) : [];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
  return out;
}

export function createRedisPresenceRegistry(opts: RedisPresenceOptions): RedisPresenceRegistry {
  const { redis } = opts;
  const prefix = opts.keyPrefix ?? 'parley:presence:';
  const heartbeatMs = opts.heartbeatMs ?? 2000;
  const ttlMs = opts.ttlMs ?? 6000;
  const sweepMs = opts.sweepMs ?? 1000;
  const onError = opts.onError ?? ((error: unknown) => console.error(error));
  const processId = opts.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  for (const [name, script] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, script);
  }
  const run = redis as unknown as Scripted;
  const beatsKey = `${prefix}beats`;
  const procKey = `${prefix}proc:${processId}`;
  const userKey = (userId: string) => `${prefix}user:${userId}`;

  /** Sockets per user on this process: the source of truth that resyncs rewrite into Redis. */
  const local = new Map<string, number>();
  let listener: (change: PresenceChange) => Promise<void> | void = () => undefined;
  let dirty = false;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];

  async function report(changes: PresenceChange[]) {
    await Promise.all(
      changes.map(async (change) => {
        try {
          await listener(change);
        } catch (error) {
          onError(error);
        }
      }),
    );
  }

  /** Writes this process's whole state again, now; a request during a run runs it once more after. */
  let resyncing: Promise<void> | null = null;
  let resyncAgain = false;
  function requestResync() {
    if (closed) return;
    if (resyncing) {
      resyncAgain = true;
      return;
    }
    resyncing = resync()
      .catch((error: unknown) => onError(error))
      .finally(() => {
        resyncing = null;
        if (resyncAgain) {
          resyncAgain = false;
          requestResync();
        }
      });
  }

  /** Runs a connect/disconnect script; true when it reports the user's presence changed. */
  async function transition(
    script: 'parleyPresenceConnect' | 'parleyPresenceDisconnect',
    userId: string,
  ) {
    try {
      const reply = (await run[script](
        beatsKey,
        userKey(userId),
        procKey,
        processId,
        userId,
        ttlMs,
      )) as number[];
      if (Number(reply[1]) === 1) requestResync();
      return Number(reply[0]) === 1;
    } catch (error) {
      // The next heartbeat writes this process's state again and reports the change.
      dirty = true;
      onError(error);
      return false;
    }
  }

  async function resync() {
    dirty = false;
    let reply: unknown;
    try {
      reply = await run.parleyPresenceResync(
        beatsKey,
        procKey,
        processId,
        ttlMs,
        prefix,
        ...local.keys(),
      );
    } catch (error) {
      dirty = true;
      throw error;
    }
    const at = new Date();
    await report(pairs(reply).map(([userId, online]) => ({ userId, online: online === '1', at })));
  }

  async function heartbeat() {
    const added = await run.parleyPresenceBeat(beatsKey, processId);
    if (Number(added) === 1 || dirty) requestResync();
    await resyncing;
  }

  async function sweep() {
    for (;;) {
      const reply = await run.parleyPresenceSweep(beatsKey, ttlMs, prefix, SWEEP_BATCH);
      const found = pairs(reply);
      await report(
        found.map(([userId, at]) => ({ userId, online: false, at: new Date(Number(at)) })),
      );
      if (found.length === 0) return;
    }
  }

  /** Runs `task` every `ms`, never twice at once; its failures are reported once until it succeeds again. */
  function every(ms: number, name: string, task: () => Promise<void>) {
    let busy = false;
    let failing = false;
    const timer = setInterval(() => {
      if (busy || closed) return;
      busy = true;
      task().then(
        () => {
          failing = false;
          busy = false;
        },
        (error: unknown) => {
          if (!failing)
            onError(
              new Error(
                `presence ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
                { cause: error },
              ),
            );
          failing = true;
          busy = false;
        },
      );
    }, ms);
    timer.unref();
    timers.push(timer);
  }

  return {
    processId,

    async connect(userId) {
      const count = (local.get(userId) ?? 0) + 1;
      local.set(userId, count);
      if (count > 1 || closed) return false;
      return transition('parleyPresenceConnect', userId);
    },

    async disconnect(userId) {
      const count = (local.get(userId) ?? 0) - 1;
      if (count > 0) {
        local.set(userId, count);
        return false;
      }
      if (!local.delete(userId) || closed) return false;
      return transition('parleyPresenceDisconnect', userId);
    },

    async onlineAmong(userIds) {
      const online = new Set<string>();
      try {
        for (let i = 0; i < userIds.length; i += ONLINE_BATCH) {
          const batch = userIds.slice(i, i + ONLINE_BATCH);
          const reply = (await run.parleyPresenceOnline(
            1 + batch.length,
            beatsKey,
            ...batch.map(userKey),
            ttlMs,
          )) as number[];
          batch.forEach((id, j) => reply[j] === 1 && online.add(id));
        }
        return online;
      } catch (error) {
        // Redis unreachable: what this process knows is better than nothing.
        onError(error);
        return new Set(userIds.filter((id) => local.has(id)));
      }
    },

    onChange(next) {
      listener = next;
    },

    async start() {
      await resync();
      every(heartbeatMs, 'heartbeat', heartbeat);
      every(sweepMs, 'sweep', sweep);
    },

    sweep,

    async close({ retire = true } = {}) {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      if (!retire) return;
      try {
        const reply = await run.parleyPresenceRetire(beatsKey, ttlMs, prefix, processId);
        await report(
          pairs(reply).map(([userId, at]) => ({ userId, online: false, at: new Date(Number(at)) })),
        );
      } catch (error) {
        // Left to expire: another process's sweep reports them within ttlMs + sweepMs.
        onError(error);
      }
    },
  };
}
