/**
 * What Web Push costs a send: the same group messages acknowledged with nobody to push to, then
 * with every other member offline and subscribed to a push service that takes 200 ms to answer.
 * Pushing happens after the commit, from a queue: the acknowledgement must not wait for it.
 * Prints per phase: send latency (p50 / p99), how busy the event loop was (the thread that runs
 * the sends; the pushes are encrypted and sent on a thread of their own) and the process's CPU
 * per message (every thread, the test's own client included). Numbers from a quiet machine only.
 * `pnpm --filter @parley/bench push-cost`.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppRouter } from '@parley/api';
import { loadConfig, startServer } from '@parley/server';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import { Histogram } from '../src/stats.ts';

const MEMBERS = 20;
const MESSAGES = 300;
const PUSH_SERVICE_DELAY_MS = 200;

const client = (url: string, token?: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });

/** A push service that answers every push, late. */
async function slowPushService() {
  let pushes = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      pushes += 1;
      setTimeout(() => res.writeHead(201).end(), PUSH_SERVICE_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pushes: () => pushes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-push-cost-'));
  const server = await startServer(
    loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' }),
    { rateLimits: { sendPerUserPerSecond: 100_000, signupPerIpPerHour: 100_000 } },
  );
  const pushService = await slowPushService();
  try {
    const members = [];
    for (let i = 0; i < MEMBERS; i++) {
      const name = `push${i}_${randomBytes(3).toString('hex')}`;
      const session = await client(server.url).auth.signup.mutate({
        username: name,
        email: `${name}@bench.test`,
        password: `a bench password ${name}`,
      });
      members.push({ id: session.user.id, api: client(server.url, session.accessToken) });
    }
    const [sender, ...others] = members;
    const group = await sender!.api.groups.create.mutate({
      title: 'push cost',
      memberIds: others.map((m) => m.id),
    });

    const phase = async (label: string) => {
      const latency = new Histogram();
      const cpu = process.cpuUsage();
      const loop = performance.eventLoopUtilization();
      for (let i = 0; i < MESSAGES; i++) {
        const t0 = performance.now();
        await sender!.api.chat.send.mutate({
          conversationId: group.id,
          text: `message ${i} of ${label}`,
          clientMessageId: `m${i}_${randomBytes(8).toString('hex')}`,
        });
        latency.record(performance.now() - t0);
      }
      const used = process.cpuUsage(cpu);
      const busy = performance.eventLoopUtilization(loop).utilization;
      const { p50, p99 } = latency.summary();
      const cpuUs = Math.round((used.user + used.system) / MESSAGES);
      console.log(
        `${label.padEnd(28)} send p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; ` +
          `event loop busy ${(busy * 100).toFixed(0)} %; CPU ${cpuUs} µs per message`,
      );
    };

    await phase('warm-up');
    await phase('nobody to push to');
    for (const member of others) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      await member.api.notifications.subscribe.mutate({
        endpoint: `${pushService.origin}/push/${member.id}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
      });
    }
    const before = pushService.pushes();
    await phase(`${MEMBERS - 1} offline, subscribed`);
    console.log(
      `pushes the push service received during that phase: ${pushService.pushes() - before} ` +
        `(at most ${MESSAGES * (MEMBERS - 1)}; a sender's messages coalesce while queued)`,
    );
  } finally {
    await pushService.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
