/**
 * What a reconnect's replay costs the store with one event log read through membership:
 * a user in K conversations catching up after a short and a long absence, while the server's
 * other conversations keep the log busy. `pnpm --filter @parley/bench replay-cost`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type Store, type User } from '@parley/db';

const NOISE_GROUPS = 200;
const EVENTS = 200_000;

async function user(store: Store, name: string): Promise<User> {
  return store.createUser({
    username: name,
    email: `${name}@bench.test`,
    passwordHash: 'x',
    displayName: name,
  });
}

async function measure(k: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-replay-'));
  const store = await openStore(`file:${path.join(dir, 'replay.db')}`);
  try {
    const me = await user(store, 'me');
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => user(store, `o${i}`)));
    const create = (actor: User, members: User[]) =>
      store.changeGroup({
        change: {
          type: 'create',
          actorId: actor.id,
          title: 'g',
          memberIds: members.map((m) => m.id),
          avatarId: null,
          isPublic: false,
        },
        maxMembers: 5000,
        at: new Date(),
      });
    const mine: string[] = [];
    for (let i = 0; i < k; i++)
      mine.push((await create(others[i % 20]!, [me, others[(i + 1) % 20]!])).conversation.id);
    const noise: string[] = [];
    for (let i = 0; i < NOISE_GROUPS; i++)
      noise.push((await create(others[i % 20]!, [others[(i + 3) % 20]!])).conversation.id);
    // Busy log: 1 in 10 events is in one of my conversations.
    const batch = 256;
    for (let n = 0; n < EVENTS; n += batch) {
      await Promise.all(
        Array.from({ length: batch }, (_, j) => {
          const i = n + j;
          const conversationId = i % 10 === 0 ? mine[i % mine.length]! : noise[i % noise.length]!;
          const sender =
            i % 10 === 0
              ? others[(mine.indexOf(conversationId) + 1) % 20]!
              : others[(noise.indexOf(conversationId) + 3) % 20]!;
          return store
            .sendMessage({
              senderId: sender.id,
              conversationId,
              text: `event ${i}`,
              attachmentIds: [],
              mentionUsernames: [],
              clientMessageId: `replay-${i}`,
              createdAt: new Date(),
            })
            .catch(() => undefined);
        }),
      );
    }
    const head = await store.lastEventId();
    const replay = async (afterId: number) => {
      const started = performance.now();
      let last = afterId;
      let events = 0;
      for (;;) {
        const page = await store.listUserEvents({
          userId: me.id,
          afterId: last,
          upToId: head,
          limit: 500,
        });
        events += page.length;
        if (page.length < 500) break;
        last = page.at(-1)!.id;
      }
      return { events, ms: Math.round((performance.now() - started) * 10) / 10 };
    };
    const short = await replay(head - 1000);
    const long = await replay(0);
    return { k, head, short, long };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const k of [1, 10, 100, 1000]) {
  const { head, short, long } = await measure(k);
  console.log(
    `K=${k}: log of ${head.toLocaleString('en')} events; the last 1,000: ${short.events} events in ${short.ms} ms; everything: ${long.events.toLocaleString('en')} events in ${long.ms} ms`,
  );
}
