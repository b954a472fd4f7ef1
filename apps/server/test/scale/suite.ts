import { setTimeout as sleep } from 'node:timers/promises';
import { othersReached } from '@parley/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectEvents, httpClient, rejection, signUp, waitFor, wsClient } from '../harness.ts';
import {
  movableWsClient,
  OFFLINE_BOUND_MS,
  startCluster,
  type Cluster,
  type ServerProcess,
} from './cluster.ts';

type Stream = ReturnType<typeof collectEvents>;

/** The texts of a stream's message.new events, in arrival order. */
const textsOf = (stream: Stream) => stream.of('message.new').map((e) => e.message.text);
/** The ids of a stream's message events, in arrival order. */
const durableIdsOf = (stream: Stream) =>
  stream.items.filter((i) => i.data.type === 'message.new').map((i) => Number(i.id));

/** Positions in the one log: strictly increasing on every stream (no repeat, no going back). */
function expectIncreasing(ids: number[]) {
  expect(ids.length).toBeGreaterThan(0);
  expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
}

/**
 * Sends through HTTP like a client with an outbox: a failed call is retried with the same
 * clientMessageId until it succeeds (idempotent: never a second message).
 */
async function sendReliably(
  from: Awaited<ReturnType<typeof signUp>>,
  to: string,
  text: string,
  clientMessageId: string,
  deadlineMs = 20_000,
) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await from.http.chat.send.mutate({ to, text, clientMessageId });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/**
 * Several real server processes on one database and one real Redis: everything one process
 * guarantees holds across them. `databaseUrl` defaults to one SQLite file shared by all.
 */
export function clusterSuite(
  label: string,
  opts: { databaseUrl?: (dataDir: string) => string } = {},
) {
  describe(label, () => {
    let cluster: Cluster;
    let A: ServerProcess;
    let B: ServerProcess;
    let C: ServerProcess;
    const open: { close(): void }[] = [];
    const track = <T extends { close(): void }>(client: T) => (open.push(client), client);

    beforeAll(async () => {
      cluster = await startCluster({
        processes: 3,
        ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
      });
      [A, B, C] = cluster.nodes as [ServerProcess, ServerProcess, ServerProcess];
    }, 120_000);

    afterEach((context) => {
      for (const client of open.splice(0)) client.close();
      if (context.task.result?.state === 'fail') {
        for (const node of cluster?.nodes ?? [])
          console.error(`--- ${node.name} output ---\n${node.output()}`);
      }
    });

    afterAll(async () => {
      await cluster?.stop();
    }, 30_000);

    it('A user on A and a user on B: messages, receipts, typing and presence cross processes', async () => {
      const alice = await signUp(A, 'alice');
      const bob = await signUp(B, 'bob');
      const first = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'first, while nobody is connected',
        clientMessageId: `first-${alice.user.id}`,
      });

      const bobWs = track(wsClient(B, bob.token));
      const bobStream = collectEvents(bobWs.client);
      await bobStream.ready();
      expect(bobStream.of('presence.snapshot')[0]?.online).toEqual([]);
      // A first subscription starts at "now" (history is chat.history's job).
      expect(textsOf(bobStream)).toEqual([]);
      const conversationId = first.conversationId;
      const history = await httpClient(C, bob.token).chat.history.query({
        conversationId,
        limit: 10,
      });
      expect(history.items.map((m) => m.id)).toEqual([first.id]);

      // alice connects to A: bob, on B, sees her come online; her snapshot (A) shows bob (B).
      const aliceWs = track(wsClient(A, alice.token));
      const aliceStream = collectEvents(aliceWs.client);
      await aliceStream.ready();
      expect(aliceStream.of('presence.snapshot')[0]?.online).toEqual([bob.user.id]);
      await waitFor(
        () => bobStream.of('presence').find((p) => p.userId === alice.user.id && p.online),
        5000,
        'bob (on B) to see alice (on A) come online',
      );
      expect((await httpClient(C, bob.token).users.list.query({})).items).toContainEqual(
        expect.objectContaining({ id: alice.user.id, online: true }),
      );

      // A message sent on A arrives live on B.
      const sent = await aliceWs.client.chat.send.mutate({
        to: bob.user.id,
        text: 'across processes',
        clientMessageId: `across-${alice.user.id}`,
      });
      await waitFor(
        () => textsOf(bobStream).includes('across processes'),
        5000,
        'the message on B',
      );
      expect(textsOf(bobStream)).toEqual([sent.text]);

      // Receipts made on B arrive on A.
      await bobWs.client.chat.ackDelivered.mutate({ conversationId, upTo: sent.id });
      await waitFor(
        () =>
          aliceStream
            .of('receipts')
            .find((r) => othersReached(r.marks.delivered, alice.user.id) >= sent.seq),
        5000,
        'delivered on A',
      );
      await bobWs.client.chat.markRead.mutate({ conversationId, upTo: sent.id });
      await waitFor(
        () =>
          aliceStream
            .of('receipts')
            .find((r) => othersReached(r.marks.read, alice.user.id) >= sent.seq),
        5000,
        'read on A',
      );

      // Typing on B shows on A, and only there.
      await bobWs.client.chat.typing.mutate({ conversationId, isTyping: true });
      expect(await waitFor(() => aliceStream.of('typing')[0], 5000, 'typing on A')).toEqual({
        type: 'typing',
        conversationId,
        userId: bob.user.id,
        isTyping: true,
      });
      await bobWs.client.chat.typing.mutate({ conversationId, isTyping: false });
      expect(await waitFor(() => aliceStream.of('typing')[1], 5000, 'typing stopped on A')).toEqual(
        {
          type: 'typing',
          conversationId,
          userId: bob.user.id,
          isTyping: false,
        },
      );
      expect(bobStream.of('typing')).toEqual([]);

      // bob leaves B: alice, on A, sees him go offline with a last-seen time.
      bobWs.close();
      const offline = await waitFor(
        () => aliceStream.of('presence').find((p) => p.userId === bob.user.id && !p.online),
        5000,
        'alice (on A) to see bob (on B) leave',
      );
      expect(offline.lastSeenAt).toBeInstanceOf(Date);
      expect(durableIdsOf(aliceStream)).toEqual(
        [...durableIdsOf(aliceStream)].sort((x, y) => x - y),
      );
    });

    it('Logout on A closes the session’s socket on B (and only that session’s)', async () => {
      const carol = await signUp(A, 'carol');
      const other = await httpClient(B).auth.login.mutate({
        login: carol.username,
        password: carol.password,
      });
      const closes: (number | undefined)[] = [];
      const otherCloses: (number | undefined)[] = [];
      const onB = track(wsClient(B, carol.token, { onClose: (cause) => closes.push(cause?.code) }));
      const otherOnC = track(
        wsClient(C, () => other.accessToken, { onClose: (cause) => otherCloses.push(cause?.code) }),
      );
      const stream = collectEvents(onB.client);
      const otherStream = collectEvents(otherOnC.client);
      await Promise.all([stream.ready(), otherStream.ready()]);

      await carol.http.auth.logout.mutate(); // carol.http talks to A
      await waitFor(
        () => closes.includes(4003),
        5000,
        'the socket on B to close with 4003 (session revoked)',
      );
      await sleep(300);
      expect(otherCloses).toEqual([]); // her other session, on C, lives on
      expect(await httpClient(C, () => other.accessToken).auth.me.query()).toMatchObject({
        id: carol.user.id,
      });
    });

    it('Login rate limits hold across processes', async () => {
      const dave = await signUp(A, 'dave');
      const nodes = [A, B, C];
      // 10 failed attempts per account per 15 minutes, spread over three processes.
      for (let i = 0; i < 10; i++) {
        const error = await rejection(
          httpClient(nodes[i % 3] as ServerProcess).auth.login.mutate({
            login: dave.username,
            password: `wrong ${i}`,
          }),
        );
        expect(error.data?.code).toBe('UNAUTHORIZED');
      }
      const limited = await rejection(
        httpClient(B).auth.login.mutate({ login: dave.username, password: dave.password }),
      );
      expect(limited.data?.code).toBe('TOO_MANY_REQUESTS');
    });

    it('Durable event ids increase, and replay identically, with three writing processes', async () => {
      const reader = await signUp(A, 'reader');
      const writers = await Promise.all([signUp(A, 'w_a'), signUp(B, 'w_b'), signUp(C, 'w_c')]);
      const readerWs = track(wsClient(B, reader.token));
      const stream = collectEvents(readerWs.client);
      await stream.ready();
      const PER_WRITER = 25;
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let i = 0; i < PER_WRITER; i++) {
            await writer.http.chat.send.mutate({
              to: reader.user.id,
              text: `w${w}-${i}`,
              clientMessageId: `ids-${w}-${i}-${writer.user.id}`,
            });
          }
        }),
      );
      await waitFor(
        () => stream.of('message.new').length >= 3 * PER_WRITER,
        15_000,
        'every message',
      );
      await sleep(200);
      const ids = durableIdsOf(stream);
      expect(ids).toHaveLength(3 * PER_WRITER);
      expectIncreasing(ids);
      // Each writer's messages arrive in the order it sent them.
      for (let w = 0; w < writers.length; w++) {
        const mine = textsOf(stream).filter((t) => t.startsWith(`w${w}-`));
        expect(mine).toEqual(Array.from({ length: PER_WRITER }, (_, i) => `w${w}-${i}`));
      }
      // A replay from scratch, from another process, gives exactly the same ids.
      const replayWs = track(wsClient(C, reader.token));
      const replay = collectEvents(replayWs.client, '0');
      await replay.ready();
      expect(durableIdsOf(replay)).toEqual(ids);
    });

    it('A group spread over three processes: every member gets every message once, in one order, through socket kills', async () => {
      const [alice, bob, carol] = await Promise.all([
        signUp(A, 'g_a'),
        signUp(B, 'g_b'),
        signUp(C, 'g_c'),
      ]);
      const group = await alice.http.groups.create.mutate({
        title: 'Across',
        memberIds: [bob.user.id, carol.user.id],
      });
      const sockets = [track(wsClient(A, alice.token)), track(wsClient(B, bob.token))];
      const carolWs = track(wsClient(C, carol.token, { retryDelayMs: () => 10 }));
      const streams = [...sockets, carolWs].map((s) => collectEvents(s.client));
      await Promise.all(streams.map((s) => s.ready()));
      const PER_SENDER = 100;
      let sent = 0;
      let kills = 0;
      await Promise.all(
        [alice, bob].map(async (who, w) => {
          for (let i = 0; i < PER_SENDER; i++) {
            await sockets[w]!.client.chat.send.mutate({
              conversationId: group.id,
              text: `${w}-${i}`,
              clientMessageId: `across-${w}-${i}-${who.user.id}`.slice(0, 64),
            });
            if ((sent += 1) % 17 === 0) {
              const ws = carolWs.socket.connection?.ws;
              if (ws?.readyState === ws?.OPEN) {
                (ws as unknown as { terminate(): void }).terminate();
                kills += 1;
              }
            }
          }
        }),
      );
      const texts = (stream: Stream) =>
        stream
          .of('message.new')
          .filter((e) => e.message.conversationId === group.id && e.message.kind === 'text')
          .map((e) => e.message.text);
      await waitFor(
        () => streams.every((s) => texts(s).length >= 2 * PER_SENDER),
        20_000,
        'every member to have every message',
      );
      await sleep(300);
      expect(kills).toBeGreaterThanOrEqual(5);
      const [first, ...others] = streams.map(texts);
      expect(new Set(first).size).toBe(2 * PER_SENDER);
      for (const other of others) expect(other).toEqual(first);
      for (const w of [0, 1])
        expect(first!.filter((t) => t.startsWith(`${w}-`))).toEqual(
          Array.from({ length: PER_SENDER }, (_, i) => `${w}-${i}`),
        );
      for (const stream of streams) expectIncreasing(durableIdsOf(stream));
    });

    it('A member removed on one process hears nothing more of the group on another — typing included', async () => {
      const [alice, bob, carol] = await Promise.all([
        signUp(A, 'x_a'),
        signUp(B, 'x_b'),
        signUp(C, 'x_c'),
      ]);
      const group = await alice.http.groups.create.mutate({
        title: 'Removal across',
        memberIds: [bob.user.id, carol.user.id],
      });
      const carolWs = track(wsClient(C, carol.token));
      const carolStream = collectEvents(carolWs.client);
      await carolStream.ready();
      await alice.http.groups.removeMember.mutate({
        conversationId: group.id,
        userId: carol.user.id,
      });
      await bob.http.chat.typing.mutate({ conversationId: group.id, isTyping: true });
      await bob.http.chat.send.mutate({
        conversationId: group.id,
        text: 'after',
        clientMessageId: `after-${bob.user.id}`,
      });
      await waitFor(
        () => carolStream.of('message.new').some((e) => e.message.system?.action === 'removed'),
        5000,
        'the removal on C',
      );
      await sleep(500);
      expect(carolStream.of('typing')).toEqual([]);
      expect(carolStream.of('message.new').map((e) => e.message.text)).not.toContain('after');
    });

    it('Redis restarted while messages flow: nothing lost, nothing repeated, presence comes back', async () => {
      const alice = await signUp(A, 'r_alice');
      const bob = await signUp(B, 'r_bob');
      await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'hi',
        clientMessageId: `r-hi-${alice.user.id}`,
      });
      const bobWs = track(wsClient(B, bob.token));
      const stream = collectEvents(bobWs.client);
      await stream.ready();
      const send = (i: number) =>
        sendReliably(alice, bob.user.id, `m${i}`, `r-${i}-${alice.user.id}`);
      const dump = (error: unknown) => {
        console.error('bob got', textsOf(stream).join(' '), stream.errors);
        throw error;
      };

      // 1. Redis restarts (after 1 s) while alice keeps sending: 20 messages go while it is down
      //    (their publishes retry in the background), 20 more once it is back.
      let restart: Promise<void> = Promise.resolve();
      for (let i = 0; i < 60; i++) {
        if (i === 20) {
          await cluster.redis.kill();
          restart = sleep(1000).then(() => cluster.redis.start());
        }
        if (i === 40) await restart;
        await send(i);
        await sleep(5);
      }
      await waitFor(
        () => stream.of('message.new').length >= 60,
        15_000,
        'the first 60 messages',
      ).catch(dump);

      // 2. Redis stays down longer than a publish may wait: the messages are committed, their
      //    live fan-out is lost, and nothing is sent after them. Once Redis is back, B's bus
      //    resubscribes and bob's stream replays them from the store.
      await cluster.redis.kill();
      await Promise.all([60, 61, 62, 63, 64].map(send));
      await sleep(200);
      expect(stream.of('message.new')).toHaveLength(60);
      await cluster.redis.start();
      await waitFor(
        () => stream.of('message.new').length >= 65,
        10_000,
        'the messages sent while Redis was down',
      ).catch(dump);

      // 3. And on it goes, live.
      for (let i = 65; i < 80; i++) await send(i);
      await waitFor(() => stream.of('message.new').length >= 80, 10_000, 'every message').catch(
        dump,
      );
      await sleep(300);
      expect(textsOf(stream)).toEqual(Array.from({ length: 80 }, (_, i) => `m${i}`));
      expectIncreasing(durableIdsOf(stream));

      // Presence is rebuilt from the processes' own counts after Redis came back empty.
      const deadline = Date.now() + 5000;
      let online = false;
      while (!online && Date.now() < deadline) {
        const list = await alice.http.users.list.query({});
        online = list.items.some((u) => u.id === bob.user.id && u.online);
        if (!online) await sleep(100);
      }
      expect(online).toBe(true);
    });

    it('A logout made while Redis is down still closes the socket on B once Redis is back', async () => {
      const erin = await signUp(A, 'erin');
      const closes: (number | undefined)[] = [];
      const onB = track(wsClient(B, erin.token, { onClose: (cause) => closes.push(cause?.code) }));
      await collectEvents(onB.client).ready();
      await cluster.redis.kill();
      try {
        // The session is revoked in the store; the fan-out cannot get through (and says so).
        await erin.http.auth.logout.mutate().catch(() => undefined);
        await sleep(200);
        expect(closes).toEqual([]);
      } finally {
        await cluster.redis.start();
      }
      await waitFor(
        () => closes.includes(4003),
        8000,
        "B to recheck its sessions and close erin's socket",
      );
    });

    it(`SIGKILL of B: its users go offline on A and C within ${OFFLINE_BOUND_MS / 1000} s (announced once), then catch up on A with nothing lost or repeated`, async () => {
      const alice = await signUp(A, 'k_alice');
      const carol = await signUp(C, 'k_carol');
      const bob = await signUp(B, 'k_bob');
      await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'm0',
        clientMessageId: `k-0-${alice.user.id}`,
      });
      await carol.http.chat.send.mutate({
        to: bob.user.id,
        text: 'from carol',
        clientMessageId: `k-c-${carol.user.id}`,
      });

      const aliceStream = collectEvents(track(wsClient(A, alice.token)).client);
      const carolStream = collectEvents(track(wsClient(C, carol.token)).client);
      const bobWs = track(movableWsClient(B, bob.token));
      const bobStream = collectEvents(bobWs.client);
      await Promise.all([aliceStream.ready(), carolStream.ready(), bobStream.ready()]);
      const bobOnline = (s: Stream) =>
        s.of('presence.snapshot')[0]?.online.includes(bob.user.id) ||
        s.of('presence').some((p) => p.userId === bob.user.id && p.online);
      await waitFor(
        () => bobOnline(aliceStream) && bobOnline(carolStream),
        5000,
        'bob online for alice and carol',
      );

      for (let i = 1; i <= 10; i++) {
        await alice.http.chat.send.mutate({
          to: bob.user.id,
          text: `m${i}`,
          clientMessageId: `k-${i}-${alice.user.id}`,
        });
      }
      await waitFor(
        () => textsOf(bobStream).includes('m10'),
        5000,
        'the messages before the crash',
      );

      const crashedAt = Date.now();
      await B.crash();
      // While bob is cut off (his client keeps retrying the dead process), alice writes on.
      for (let i = 11; i <= 40; i++) {
        await alice.http.chat.send.mutate({
          to: bob.user.id,
          text: `m${i}`,
          clientMessageId: `k-${i}-${alice.user.id}`,
        });
      }
      const offlineFor = (s: Stream) =>
        s.of('presence').filter((p) => p.userId === bob.user.id && !p.online);
      await waitFor(
        () => offlineFor(aliceStream).length > 0 && offlineFor(carolStream).length > 0,
        OFFLINE_BOUND_MS + 3000,
        'bob to go offline on A and C',
      );
      const tookMs = Date.now() - crashedAt;
      console.log(`[scale] a SIGKILLed process's user went offline elsewhere after ${tookMs} ms`);
      expect(tookMs).toBeLessThanOrEqual(OFFLINE_BOUND_MS);
      const [offline] = offlineFor(aliceStream);
      expect(offline?.lastSeenAt).toBeInstanceOf(Date);
      expect(offline?.lastSeenAt?.getTime()).toBeLessThanOrEqual(crashedAt + 100);
      expect(offline?.lastSeenAt?.getTime()).toBeGreaterThan(crashedAt - 5000);
      const list = await httpClient(A, alice.token).users.list.query({});
      expect(list.items).toContainEqual(
        expect.objectContaining({ id: bob.user.id, online: false }),
      );
      await sleep(1500); // a few more sweeps by both survivors: still announced once
      expect(offlineFor(aliceStream)).toHaveLength(1);
      expect(offlineFor(carolStream)).toHaveLength(1);

      // bob's client now reaches A and resumes by lastEventId.
      bobWs.moveTo(A);
      await waitFor(() => textsOf(bobStream).includes('m40'), 15_000, 'bob to catch up on A');
      await sleep(300);
      expect(textsOf(bobStream)).toEqual(Array.from({ length: 40 }, (_, i) => `m${i + 1}`));
      expectIncreasing(durableIdsOf(bobStream));
      expect(bobStream.of('ready').length).toBeGreaterThanOrEqual(2);
      const presence = () => aliceStream.of('presence').filter((p) => p.userId === bob.user.id);
      await waitFor(() => presence().at(-1)?.online, 5000, 'alice to see bob back online');
    });

    it('SIGTERM of C drains: it exits cleanly, its users go offline on A at once and resume on A', async () => {
      const alice = await signUp(A, 't_alice');
      const dan = await signUp(C, 't_dan');
      await alice.http.chat.send.mutate({
        to: dan.user.id,
        text: 'm0',
        clientMessageId: `t-0-${alice.user.id}`,
      });
      const aliceStream = collectEvents(track(wsClient(A, alice.token)).client);
      const closes: (number | undefined)[] = [];
      const danWs = track(
        movableWsClient(C, dan.token, { onClose: (cause) => closes.push(cause?.code) }),
      );
      const danStream = collectEvents(danWs.client);
      await Promise.all([aliceStream.ready(), danStream.ready()]);
      const danPresence = () => aliceStream.of('presence').filter((p) => p.userId === dan.user.id);
      await waitFor(
        () =>
          aliceStream.of('presence.snapshot')[0]?.online.includes(dan.user.id) ||
          danPresence().at(-1)?.online,
        5000,
        'dan online for alice',
      );

      const stoppedAt = Date.now();
      await C.stop();
      expect(C.child.exitCode).toBe(0); // drained, not killed
      await waitFor(() => danPresence().at(-1)?.online === false, 2000, 'dan offline for alice');
      expect(Date.now() - stoppedAt).toBeLessThan(OFFLINE_BOUND_MS / 2);
      expect(closes).toContain(1012); // "server restarting": reconnect

      await alice.http.chat.send.mutate({
        to: dan.user.id,
        text: 'm1',
        clientMessageId: `t-1-${alice.user.id}`,
      });
      danWs.moveTo(A);
      await waitFor(() => textsOf(danStream).includes('m1'), 10_000, 'dan to resume on A');
      expect(textsOf(danStream)).toEqual(['m1']);
      await waitFor(() => danPresence().at(-1)?.online, 5000, 'dan back online');
    });
  });
}
