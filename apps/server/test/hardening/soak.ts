/**
 * Soak: steady, realistic traffic against a real server (sends over WS and HTTP, live event
 * streams, receipts, typing, history and search, reconnects that resume by lastEventId) while
 * the heap and RSS are sampled after a full GC. After the warm-up the heap must stay flat.
 *
 *   pnpm --filter @parley/server soak            # 10 minutes (SOAK_SECONDS=600)
 *   SOAK_SECONDS=60 pnpm --filter @parley/server soak
 *
 * The test suite runs a 30-second version (soak.test.ts).
 */
import { pathToFileURL } from 'node:url';
import type { ChatEvent } from '@parley/api';
import { signUp, startTestServer, wsClient } from '../harness.ts';
import { settledHeapMiB, sleep } from './support.ts';

export interface SoakOptions {
  seconds: number;
  /** Users in the ring (each talks to the next). */
  users?: number;
  /** Messages per second, across all users. */
  rate?: number;
  /** The share of the run before the baseline is taken. */
  warmupFraction?: number;
  /** Allowed heap growth after warm-up, in MiB. */
  maxHeapGrowthMiB?: number;
  /** Allowed RSS growth after warm-up, in MiB. */
  maxRssGrowthMiB?: number;
  log?: (line: string) => void;
}

export interface SoakSample {
  atSeconds: number;
  heapMiB: number;
  rssMiB: number;
}

export interface SoakResult {
  ok: boolean;
  seconds: number;
  sent: number;
  received: number;
  reconnects: number;
  errors: string[];
  samples: SoakSample[];
  baselineHeapMiB: number;
  finalHeapMiB: number;
  heapGrowthMiB: number;
  /** Least-squares slope of the heap after warm-up, MiB per minute. */
  heapSlopeMiBPerMinute: number;
  rssGrowthMiB: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const seconds = opts.seconds;
  const usersCount = opts.users ?? 8;
  const rate = opts.rate ?? 80;
  const warmupSeconds = Math.max(5, seconds * (opts.warmupFraction ?? 0.3));
  const maxGrowth = opts.maxHeapGrowthMiB ?? 12;
  const log = opts.log ?? (() => undefined);

  const server = await startTestServer({ env: { LOG_LEVEL: 'error' } });
  const errors: string[] = [];
  const noteError = (where: string, error: unknown) => {
    if (errors.length < 20) errors.push(`${where}: ${(error as Error).message}`);
  };
  let sent = 0;
  let received = 0;
  let reconnects = 0;

  const users: Array<Awaited<ReturnType<typeof signUp>>> = [];
  for (let i = 0; i < usersCount; i++) users.push(await signUp(server, `soak${i}`));

  /** Where each user's stream is: a reopened tab resumes from there. */
  const lastEventIds: Array<string | undefined> = [];

  /** A user's live tab: counts what arrives (keeps nothing), acknowledges and reads it. */
  function openTab(index: number) {
    const user = users[index]!;
    const tab = wsClient(server, user.token, { retryDelayMs: () => 100 });
    const lastEventId = lastEventIds[index];
    const subscription = tab.client.chat.events.subscribe(lastEventId ? { lastEventId } : {}, {
      onData: (item: { id: string; data: ChatEvent }) => {
        lastEventIds[index] = item.id;
        if (item.data.type !== 'message.new') return;
        received += 1;
        const { message } = item.data;
        if (message.senderId === user.user.id) return;
        // Every few messages: delivered, then read.
        if (received % 5 === 0) {
          const upTo = { conversationId: message.conversationId, upTo: message.id };
          void tab.client.chat.ackDelivered
            .mutate(upTo)
            .catch((e: unknown) => noteError('ackDelivered', e));
          if (received % 10 === 0)
            void user.http.chat.markRead
              .mutate(upTo)
              .catch((e: unknown) => noteError('markRead', e));
        }
      },
      onError: (e: unknown) => noteError('events', e),
    });
    return { tab, subscription, close: () => (subscription.unsubscribe(), tab.close()) };
  }

  const tabs = users.map((_, i) => openTab(i));
  const samples: SoakSample[] = [];
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  let stop = false;

  /** Each sender's conversation with the next user, once its first message is stored. */
  const conversationOf = new Map<number, string>();

  async function traffic() {
    let n = 0;
    const interval = 1000 / rate;
    while (!stop) {
      const tick = Date.now();
      const from = n % usersCount;
      const to = (from + 1) % usersCount;
      const sender = users[from]!;
      const text = `soak ${n} ${'·'.repeat(n % 200)}`;
      const clientMessageId = `soak_${n}_${sender.user.id}`.slice(0, 64);
      const input = { to: users[to]!.user.id, text, clientMessageId };
      const call =
        n % 2
          ? tabs[from]!.tab.client.chat.send.mutate(input)
          : sender.http.chat.send.mutate(input);
      call.then(
        (message) => {
          sent += 1;
          conversationOf.set(from, message.conversationId);
        },
        (e: unknown) => noteError('send', e),
      );
      const conversationId = conversationOf.get(from);
      if (n % 7 === 0 && conversationId)
        void sender.http.chat.typing
          .mutate({ conversationId, isTyping: n % 14 === 0 })
          .catch((e: unknown) => noteError('typing', e));
      if (n % 25 === 0 && conversationId)
        void sender.http.chat.history
          .query({ conversationId, limit: 50 })
          .catch((e: unknown) => noteError('history', e));
      if (n % 40 === 0)
        void sender.http.users.search
          .query({ q: 'soak' })
          .catch((e: unknown) => noteError('search', e));
      if (n % 50 === 0)
        void sender.http.chat.conversations
          .query({ limit: 20 })
          .catch((e: unknown) => noteError('conversations', e));
      // Every few seconds a tab drops and comes back, resuming its stream.
      if (n % (rate * 3) === 0 && n > 0) {
        const i = (n / (rate * 3)) % usersCount;
        tabs[i]!.close();
        tabs[i] = openTab(i);
        reconnects += 1;
      }
      n += 1;
      await sleep(Math.max(0, interval - (Date.now() - tick)));
    }
  }

  async function sampler() {
    const every = Math.max(1, Math.min(10, seconds / 30));
    while (!stop) {
      await sleep(every * 1000);
      if (stop) break;
      const heapMiB = await settledHeapMiB();
      const rssMiB = process.memoryUsage().rss / 2 ** 20;
      const sample = { atSeconds: Math.round(elapsed()), heapMiB, rssMiB };
      samples.push(sample);
      log(
        `${String(sample.atSeconds).padStart(5)} s  heap ${heapMiB.toFixed(1).padStart(6)} MiB  rss ${rssMiB.toFixed(1).padStart(6)} MiB  sent ${sent}  received ${received}`,
      );
    }
  }

  const running = [traffic(), sampler()];
  await sleep(seconds * 1000);
  stop = true;
  await Promise.all(running);
  await sleep(500);
  for (const t of tabs) t.close();
  await server.destroy();

  const after = samples.filter((s) => s.atSeconds >= warmupSeconds);
  const head = after.slice(0, Math.max(1, Math.min(3, Math.floor(after.length / 3))));
  const tail = after.slice(-Math.max(1, Math.min(3, Math.floor(after.length / 3))));
  const baselineHeapMiB = median(head.map((s) => s.heapMiB));
  const finalHeapMiB = median(tail.map((s) => s.heapMiB));
  const heapGrowthMiB = finalHeapMiB - baselineHeapMiB;
  const heapSlopeMiBPerMinute = slope(after.map((s) => [s.atSeconds / 60, s.heapMiB]));
  const rssGrowthMiB = median(tail.map((s) => s.rssMiB)) - median(head.map((s) => s.rssMiB));
  // Flat: little growth after warm-up and, over a window long enough to tell a trend from GC
  // noise, none that would pass four times the bound within the hour. RSS (SQLite's page cache,
  // the allocator) is noisier: it only has to stay within a loose bound.
  const window = (after.at(-1)?.atSeconds ?? 0) - (after[0]?.atSeconds ?? 0);
  const trendOk = window < 120 || heapSlopeMiBPerMinute * 60 < maxGrowth * 4;
  const ok =
    errors.length === 0 &&
    sent > 0 &&
    heapGrowthMiB < maxGrowth &&
    trendOk &&
    rssGrowthMiB < (opts.maxRssGrowthMiB ?? 96);
  return {
    ok,
    seconds,
    sent,
    received,
    reconnects,
    errors,
    samples,
    baselineHeapMiB,
    finalHeapMiB,
    heapGrowthMiB,
    heapSlopeMiBPerMinute,
    rssGrowthMiB,
  };
}

export function summary(r: SoakResult): string {
  return [
    `soak ${r.ok ? 'passed' : 'FAILED'}: ${r.seconds} s, ${r.sent} messages sent, ${r.received} events received, ${r.reconnects} reconnects`,
    `heap after warm-up ${r.baselineHeapMiB.toFixed(1)} -> ${r.finalHeapMiB.toFixed(1)} MiB (growth ${r.heapGrowthMiB.toFixed(1)} MiB, trend ${r.heapSlopeMiBPerMinute.toFixed(2)} MiB/min); rss growth ${r.rssGrowthMiB.toFixed(1)} MiB`,
    ...(r.errors.length ? [`errors: ${r.errors.join('; ')}`] : []),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.env.SOAK_SECONDS ?? 600);
  console.log(`Soaking for ${seconds} s (SOAK_SECONDS)...`);
  const result = await runSoak({ seconds, log: (line) => console.log(line) });
  console.log(summary(result));
  process.exit(result.ok ? 0 : 1);
}
