import { describe, expect, it } from 'vitest';
import type { StoredEvent, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  everything,
  MANAGERS,
  nextDate,
  post,
  send,
  type ContractContext,
} from './fixtures.ts';

export function eventContract({ store }: ContractContext): void {
  describe('events', () => {
    const ids = (events: StoredEvent[]) => events.map((event) => event.id);
    const texts = (events: StoredEvent[]) =>
      events.map((e) =>
        e.data.type === 'message.new'
          ? e.data.message.text || e.data.message.system?.action
          : e.data.type,
      );

    it('numbers events 1, 2, 3, ... in one log, in commit order', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const first = await store().firstEventId();
      expect(await store().lastEventId()).toBe(first - 1);

      const one = await send(store(), alice, bob);
      const two = await send(store(), bob, carol);
      const three = await send(store(), carol, alice);

      expect([...one.events, ...two.events, ...three.events].map((e) => e.id)).toEqual([
        first,
        first + 1,
        first + 2,
      ]);
      expect(await store().lastEventId()).toBe(first + 2);
      expect(ids(await store().listEvents({ afterId: first - 1, limit: 10 }))).toEqual([
        first,
        first + 1,
        first + 2,
      ]);
      expect(ids(await store().listEvents({ afterId: first, limit: 1 }))).toEqual([first + 1]);
    });

    it('gives each user the events of their conversations and their own, in order', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const ab = await send(store(), alice, bob, 'a to b');
      await send(store(), bob, carol, 'b to c');
      await send(store(), carol, alice, 'c to a');
      await store().markRead({
        conversationId: ab.message.conversationId,
        userId: bob.id,
        upToSeq: 1,
        at: nextDate(),
      });

      expect(texts(await everything(store(), alice))).toEqual(['a to b', 'c to a', 'receipts']);
      expect(texts(await everything(store(), bob))).toEqual([
        'a to b',
        'b to c',
        'receipts',
        'conversation.read',
      ]);
      expect(texts(await everything(store(), carol))).toEqual(['b to c', 'c to a']);
    });

    it('gives a member exactly the events from their joining to their leaving', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      await post(store(), alice, id, 'before');
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: alice.id,
        userIds: [carol.id],
        policy: MANAGERS,
      });
      await post(store(), bob, id, 'during');
      await changeGroup(store(), {
        type: 'remove',
        conversationId: id,
        actorId: alice.id,
        userId: carol.id,
        policy: MANAGERS,
      });
      await post(store(), alice, id, 'after');

      const carolsTexts = texts(await everything(store(), carol)).filter((t) => t !== 'receipts');
      expect(carolsTexts).toEqual(['added', 'during', 'removed']);
      expect(texts(await everything(store(), bob)).filter((t) => t !== 'receipts')).toEqual([
        'created',
        'before',
        'added',
        'during',
        'removed',
        'after',
      ]);
    });

    it('pages a user’s events by afterId, upToId and limit, ascending', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const mine: number[] = [];
      for (let n = 0; n < 5; n += 1) {
        mine.push(...(await send(store(), alice, bob)).events.map((e) => e.id));
        await send(store(), carol, alice);
      }
      const list = (afterId: number, upToId: number, limit: number) =>
        store().listUserEvents({ userId: bob.id, afterId, upToId, limit });

      expect(ids(await list(mine[0]!, Number.MAX_SAFE_INTEGER, 2))).toEqual([mine[1], mine[2]]);
      expect(ids(await list(mine[2]!, mine[4]! - 1, 10))).toEqual([mine[3]]);
      expect(await list(mine[4]!, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    });

    it('replays exactly what the writes returned, with dates as Dates', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const written: StoredEvent[] = [];
      const sent = await send(store(), alice, bob, 'hi');
      written.push(...sent.events);
      written.push(...(await send(store(), bob, alice, 'hey')).events);
      const conversationId = sent.message.conversationId;
      written.push(
        ...(
          await store().markDelivered({
            conversationId,
            userId: alice.id,
            upToSeq: 2,
            at: nextDate(),
          })
        ).events,
      );
      written.push(
        ...(await store().markRead({ conversationId, userId: bob.id, upToSeq: 1, at: nextDate() }))
          .events,
      );

      const forBob = written.filter((e) => e.userId === null || e.userId === bob.id);
      expect(await everything(store(), bob)).toEqual(forBob);
      expect(await store().listEvents({ afterId: 0, limit: 100 })).toEqual(written);
      const newMessage = written.find((event) => event.data.type === 'message.new');
      expect(newMessage?.createdAt).toBeInstanceOf(Date);
    });

    it('gives nothing to a user without conversations', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      await send(store(), alice, bob);
      expect(await everything(store(), carol)).toEqual([]);
      expect(
        await store().listUserEvents({ userId: 'nobody', afterId: 0, upToId: 1000, limit: 10 }),
      ).toEqual([]);
    });

    it('orders the events of concurrent writers the same way for every reader', async () => {
      const users = await createUsers(store(), 'u0', 'u1', 'u2');
      const { conversation } = await createGroup(store(), users[0], [users[1], users[2]]);
      await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          post(store(), users[n % 3] as User, conversation.id, `m${n}`),
        ),
      );
      const streams = await Promise.all(users.map((user) => everything(store(), user)));
      const [first, ...others] = streams.map(ids);
      for (const other of others) expect(other).toEqual(first);
      expect(first).toEqual([...first!].sort((a, b) => a - b));
    });
  });
}
