/**
 * Group scenarios (Parley only: the baseline has no groups): many small groups under steady
 * traffic, and one large public channel. Every message must reach every other member of its
 * group exactly once, in each sender's order.
 */
import {
  connectAll,
  runGroupTraffic,
  withCluster,
  type BenchOptions,
  type Cluster,
  type MergedGroupTraffic,
} from './cluster.ts';
import type { BenchUser } from './protocol.ts';
import { round } from './stats.ts';
import { atMost, finish, pct, settle, type Figure, type Scenario } from './report.ts';
import type { SeedContext } from './targets.ts';

interface SeededGroup {
  conversationId: string;
  members: BenchUser[];
}

/** `count` groups of `size` members, each created by its first member through the Store. */
async function seedGroups(ctx: SeedContext, count: number, size: number, isPublic: boolean) {
  const users = await ctx.users(count * size, isPublic ? 'ch' : 'gr');
  const groups: SeededGroup[] = [];
  for (let g = 0; g < count; g++) {
    const members = users.slice(g * size, (g + 1) * size);
    const created = await ctx.store().changeGroup({
      change: {
        type: 'create',
        actorId: members[0]!.id,
        title: `bench group ${g}`,
        memberIds: members.slice(1).map((u) => u.id),
        avatarId: null,
        isPublic,
      },
      maxMembers: size,
      at: new Date(),
    });
    groups.push({ conversationId: created.conversation.id, members });
  }
  return groups;
}

/** Whole groups to workers (group g to worker g mod n), members as indices into each worker's users. */
async function connectGroups(
  cluster: Cluster,
  opts: BenchOptions,
  groups: SeededGroup[],
  ratePerSecond: number,
) {
  const parts = Array.from({ length: opts.workers }, () => ({
    users: [] as BenchUser[],
    groups: [] as Array<{ conversationId: string; members: number[] }>,
  }));
  groups.forEach((group, g) => {
    const part = parts[g % opts.workers]!;
    const first = part.users.length;
    part.users.push(...group.members);
    part.groups.push({
      conversationId: group.conversationId,
      members: group.members.map((_, i) => first + i),
    });
  });
  const connected = await connectAll(cluster, parts, ratePerSecond, { timeoutMs: 120_000 });
  if (connected.ready !== connected.opened)
    throw new Error(
      `only ${connected.ready} of ${connected.opened} sockets became ready: ${connected.errorSamples.join('; ')}`,
    );
  return parts;
}

function exactlyOnce(t: MergedGroupTraffic): boolean {
  return (
    t.complete === t.planned &&
    t.deliveries === t.expectedDeliveries &&
    t.duplicates === 0 &&
    t.outOfOrder === 0 &&
    t.eventIdRepeats === 0 &&
    t.failed === 0
  );
}

function groupDetails(t: MergedGroupTraffic) {
  return {
    planned: t.planned,
    acked: t.acked,
    complete: t.complete,
    expectedDeliveries: t.expectedDeliveries,
    deliveries: t.deliveries,
    lost: t.lost,
    duplicates: t.duplicates,
    outOfOrder: t.outOfOrder,
    eventIdRepeats: t.eventIdRepeats,
    failed: t.failed,
    retries: t.retries,
    errors: t.errorCounts,
    errorSamples: t.errorSamples,
    lastMemberMs: t.lastMemberLatency.summary(),
    deliveryMs: t.deliveryLatency.summary(),
    serverCpuUsPerDelivery: Math.round((t.serverCpuMs * 1000) / Math.max(1, t.deliveries)),
    serverCpuUsPerMessage: Math.round((t.serverCpuMs * 1000) / Math.max(1, t.planned)),
    writtenKbPerMessage: round(t.serverWrittenBytes / 1024 / Math.max(1, t.planned), 1),
    loadGenCores: round(t.loadGenCores),
  };
}

function deliveredFigure(t: MergedGroupTraffic): Figure {
  return {
    name: 'every delivery exactly once, in order',
    value: pct(t.deliveries, t.expectedDeliveries),
    unit: '%',
    target: '100 %',
    pass: exactlyOnce(t),
  };
}

// 8 ──────────────────────────────────────────────────────────────────────────────────────────────
export const groupTraffic: Scenario = async (opts) => {
  const groupCount = 50;
  const size = 20;
  const rate = 200;
  const durationMs = opts.quick ? 5000 : 30_000;
  return withCluster(
    opts,
    (ctx) => seedGroups(ctx, groupCount, size, false),
    async (cluster, groups) => {
      const parts = await connectGroups(cluster, opts, groups, 1000);
      await runGroupTraffic(cluster, parts, {
        tag: 'warmg',
        ratePerSecond: rate,
        durationMs: 3000,
        drainMs: 5000,
      });
      await settle(cluster);
      opts.log(
        `  ${rate} group messages/s (${rate * (size - 1)} deliveries/s) for ${durationMs / 1000} s`,
      );
      const t = await runGroupTraffic(cluster, parts, {
        tag: 's8',
        ratePerSecond: rate,
        durationMs,
        drainMs: 10_000,
      });
      const d = groupDetails(t);
      return finish(
        opts,
        8,
        `group traffic, ${groupCount} groups of ${size}, ${rate} msg/s`,
        [
          deliveredFigure(t),
          { name: 'p50 send → last member', value: d.lastMemberMs.p50, unit: 'ms' },
          { name: 'p99 send → last member', value: d.lastMemberMs.p99, unit: 'ms' },
          { name: 'server CPU per delivery', value: d.serverCpuUsPerDelivery, unit: 'µs' },
          { name: 'written per group message', value: d.writtenKbPerMessage, unit: 'KB' },
        ],
        { groups: groupCount, size, rate, durationMs, ...d },
      );
    },
  );
};

// 9 ──────────────────────────────────────────────────────────────────────────────────────────────
export const channel: Scenario = async (opts) => {
  const size = 1000;
  const rate = 1;
  const durationMs = opts.quick ? 10_000 : 30_000;
  return withCluster(
    opts,
    (ctx) => seedGroups(ctx, 1, size, true),
    async (cluster, groups) => {
      // One worker holds the whole channel, so it sees every member's delivery of a message.
      const parts = await connectGroups(
        cluster,
        { ...opts, workers: Math.max(1, opts.workers) },
        groups,
        500,
      );
      await settle(cluster);
      opts.log(`  ${rate} message/s to ${size} members for ${durationMs / 1000} s`);
      const t = await runGroupTraffic(cluster, parts, {
        tag: 's9',
        ratePerSecond: rate,
        durationMs,
        drainMs: 10_000,
      });
      const d = groupDetails(t);
      return finish(
        opts,
        9,
        `a ${size.toLocaleString('en')}-member public channel, ${rate} msg/s`,
        [
          deliveredFigure(t),
          atMost('p99 send → last member', d.lastMemberMs.p99, 250, 'ms'),
          { name: 'p50 send → last member', value: d.lastMemberMs.p50, unit: 'ms' },
          { name: 'server CPU per message', value: d.serverCpuUsPerMessage, unit: 'µs' },
        ],
        { members: size, rate, durationMs, ...d },
      );
    },
  );
};
