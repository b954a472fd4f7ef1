/**
 * Durability under faults, with the real server process (`node --import tsx src/main.ts`):
 * SIGKILL in the middle of a burst of sends loses nothing that was acknowledged and retries
 * create no duplicates; SIGTERM drains (in-flight sends answer, sockets close with 1012) and
 * clients resume with nothing lost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLOSE_CODES } from '@parley/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectEvents,
  directConversationId,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wholeHistory,
  wsClient,
} from '../harness.ts';
import { freePort } from '@parley/testing';
import { rawSocket, spawnServer, trpcCodeOf, type ChildServer } from './support.ts';

const MESSAGES = 300;
const CONCURRENCY = 8;

const children: ChildServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null)
      child.process.kill('SIGKILL');
    await child.exited;
  }
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function start(port: number, dataDir: string) {
  // The bursts go faster than a person types: lift the per-user send limit (the default is 50/s).
  const child = await spawnServer({ port, dataDir, env: { RATE_LIMIT_SEND_PER_SECOND: '100000' } });
  children.push(child);
  return child;
}

async function fresh() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-faults-'));
  dirs.push(dataDir);
  return { dataDir, port: await freePort() };
}

type Outcome = { status: 'acked'; id: string } | { status: 'failed'; error: string };

/**
 * Sends `count` messages with CONCURRENCY in flight, calling `midway` once `trigger` acks are in;
 * every send ends acknowledged or failed (never hangs).
 */
async function burst(
  send: (i: number) => Promise<{ id: string }>,
  opts: { trigger: number; midway: () => void },
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(MESSAGES);
  let next = 0;
  let acked = 0;
  let triggered = false;
  async function worker() {
    // After the trigger each worker sends once more (arriving while the server goes down), then stops.
    let afterTrigger = 0;
    while (next < MESSAGES && (!triggered || afterTrigger++ < 1)) {
      const i = next++;
      try {
        const message = await Promise.race([
          send(i),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no answer in 5 s')), 5_000),
          ),
        ]);
        outcomes[i] = { status: 'acked', id: message.id };
        acked += 1;
        if (acked >= opts.trigger && !triggered) {
          triggered = true;
          opts.midway();
        }
      } catch (error) {
        outcomes[i] = { status: 'failed', error: (error as Error).message };
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // Never hang on a burst that went wrong: the assertions on the outcomes will tell.
  if (!triggered) opts.midway();
  for (let i = 0; i < MESSAGES; i++) outcomes[i] ??= { status: 'failed', error: 'not sent' };
  return outcomes;
}

/** The history holds every message once, and the receiver's stream got each exactly once, in order. */
async function expectEachOnce(
  alice: Awaited<ReturnType<typeof signUp>>,
  bobId: string,
  stream: ReturnType<typeof collectEvents>,
) {
  const final = await wholeHistory(alice.http, await directConversationId(alice.http, bobId));
  expect(final).toHaveLength(MESSAGES);
  expect(new Set(final.map((m) => m.text)).size).toBe(MESSAGES);
  await waitFor(
    () => stream.of('message.new').length >= MESSAGES,
    20_000,
    'the receiver to have every message',
  );
  await new Promise((r) => setTimeout(r, 300));
  expect(stream.of('message.new').map((e) => e.message.id)).toEqual(final.map((m) => m.id));
}

describe('SIGKILL during a burst of sends', () => {
  it(`keeps every acknowledged message, and retries with the same clientMessageId add no duplicates`, async () => {
    const { dataDir, port } = await fresh();
    const first = await start(port, dataDir);
    const alice = await signUp(first, 'kill_a');
    const bob = await signUp(first, 'kill_b');
    const receiver = wsClient(first, bob.token, { retryDelayMs: () => 200 });
    const stream = collectEvents(receiver.client);
    await stream.ready();
    const sender = wsClient(first, alice.token, { retryDelayMs: () => 60_000 });
    const cidOf = (i: number) => `kill-${i}-${alice.user.id}`;
    const textOf = (i: number) => `k${i}`;

    const outcomes = await burst(
      (i) =>
        sender.client.chat.send.mutate({
          to: bob.user.id,
          text: textOf(i),
          clientMessageId: cidOf(i),
        }),
      {
        trigger: MESSAGES / 3,
        midway: () => first.process.kill('SIGKILL'),
      },
    );
    sender.close();
    expect((await first.exited).signal).toBe('SIGKILL');
    const acked = outcomes.flatMap((o, i) => (o.status === 'acked' ? [{ i, id: o.id }] : []));
    expect(acked.length).toBeGreaterThanOrEqual(MESSAGES / 3);
    expect(acked.length).toBeLessThan(MESSAGES);

    await start(port, dataDir);
    // Every acknowledged message survived the kill.
    const afterKill = await wholeHistory(
      alice.http,
      await directConversationId(alice.http, bob.user.id),
    );
    const stored = new Map(afterKill.map((m) => [m.id, m.text]));
    for (const { i, id } of acked) expect(stored.get(id), `acknowledged k${i}`).toBe(textOf(i));
    console.info(
      `SIGKILL: ${acked.length} of ${MESSAGES} acknowledged before the kill, ${afterKill.length} stored`,
    );

    // The client retries everything it is unsure of (and, for good measure, what was acknowledged).
    for (let i = 0; i < MESSAGES; i++) {
      const message = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: textOf(i),
        clientMessageId: cidOf(i),
      });
      const known = outcomes[i];
      if (known?.status === 'acked') expect(message.id).toBe(known.id);
    }
    // Bob's socket came back by itself and resumed: each message exactly once.
    await expectEachOnce(alice, bob.user.id, stream);
    receiver.close();
  });
});

describe('SIGTERM', () => {
  it('drains: in-flight sends are answered, sockets close with 1012, clients resume with nothing lost', async () => {
    const { dataDir, port } = await fresh();
    const first = await start(port, dataDir);
    const alice = await signUp(first, 'term_a');
    const bob = await signUp(first, 'term_b');
    const bobCloses: number[] = [];
    const aliceCloses: number[] = [];
    const receiver = wsClient(first, bob.token, {
      retryDelayMs: () => 200,
      onClose: (c) => bobCloses.push(c?.code ?? 0),
    });
    const stream = collectEvents(receiver.client);
    await stream.ready();
    const sender = wsClient(first, alice.token, {
      retryDelayMs: () => 60_000,
      onClose: (c) => aliceCloses.push(c?.code ?? 0),
    });
    const cidOf = (i: number) => `term-${i}-${alice.user.id}`;
    const textOf = (i: number) => `t${i}`;
    let signalledAt = 0;
    let exitedAt = 0;
    void first.exited.then(() => (exitedAt = Date.now()));

    const outcomes = await burst(
      // Half over the socket, half over HTTP: both drain.
      (i) =>
        (i % 2 ? sender.client : alice.http).chat.send.mutate({
          to: bob.user.id,
          text: textOf(i),
          clientMessageId: cidOf(i),
        }),
      {
        trigger: MESSAGES / 3,
        midway: () => {
          signalledAt = Date.now();
          first.process.kill('SIGTERM');
        },
      },
    );
    const exit = await first.exited;
    const drainMs = exitedAt - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(drainMs).toBeLessThan(10_000);
    expect(first.output()).not.toMatch(/"level":(50|60)/);
    expect(bobCloses).toContain(CLOSE_CODES.serverRestart);
    expect(aliceCloses).toContain(CLOSE_CODES.serverRestart);
    sender.close();

    const acked = outcomes.flatMap((o, i) => (o.status === 'acked' ? [{ i, id: o.id }] : []));
    const failures = outcomes.flatMap((o) => (o.status === 'failed' ? [o.error] : []));
    console.info(
      `SIGTERM: drained in ${drainMs} ms; ${acked.length} acknowledged, ${failures.length} refused or cut off (${[...new Set(failures)].join(' | ')})`,
    );

    await start(port, dataDir);
    // Nothing was stored without its answer reaching the client: the in-flight ones finished first.
    const afterTerm = await wholeHistory(
      alice.http,
      await directConversationId(alice.http, bob.user.id),
    );
    expect(afterTerm.map((m) => m.id).sort()).toEqual(acked.map((a) => a.id).sort());

    for (let i = 0; i < MESSAGES; i++) {
      if (outcomes[i]?.status !== 'acked')
        await alice.http.chat.send.mutate({
          to: bob.user.id,
          text: textOf(i),
          clientMessageId: cidOf(i),
        });
    }
    await expectEachOnce(alice, bob.user.id, stream);
    expect(stream.of('ready').length).toBeGreaterThanOrEqual(2);
    receiver.close();
  });
});

describe('while draining', () => {
  it('says so: health 503 "draining", new sockets closed with 1012, new calls SERVICE_UNAVAILABLE', async () => {
    const server = await startTestServer({ env: { LOG_LEVEL: 'error' } });
    const alice = await signUp(server, 'drain');
    // A client that stops reading never answers the close handshake: the drain waits for it.
    const stuck = rawSocket(server.wsUrl);
    await stuck.opened;
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // Draining starts at once; the stuck socket holds the drain open while we look.
    const closing = server.close();
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'draining', store: 'up' });
      const late = rawSocket(server.wsUrl);
      expect((await late.closing).code).toBe(CLOSE_CODES.serverRestart);
      expect(trpcCodeOf(late.json()[0])).toBe('SERVICE_UNAVAILABLE');
      const refused = await rejection(alice.http.chat.conversations.query({}));
      expect(refused.data?.code).toBe('SERVICE_UNAVAILABLE');
      expect(refused.message).toBe('The server is restarting. Try again in a moment.');
    } finally {
      stuck.ws.terminate();
      await closing;
      await server.destroy();
    }
  });
});
