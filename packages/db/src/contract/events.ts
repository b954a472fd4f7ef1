import { describe, expect, it } from 'vitest';
import type { StoredEvent, User } from '../types.ts';
import { createUsers, nextDate, send, type ContractContext } from './fixtures.ts';

export function eventContract({ store }: ContractContext): void {
  describe('events', () => {
    const everything = (user: User) =>
      store().listEvents({ userId: user.id, afterId: 0, limit: 1000 });
    const ids = (events: StoredEvent[]) => events.map((event) => event.id);

    it('writes one message.new per member, numbered per user', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      const { message, events } = await send(store(), alice, bob);

      expect(events.map((event) => event.userId).toSorted()).toEqual([alice.id, bob.id].toSorted());
      for (const event of events) {
        expect(event).toEqual({
          userId: event.userId,
          id: 1,
          data: { type: 'message.new', message },
          createdAt: message.createdAt,
        });
      }
    });

    it('numbers each user’s events 1, 2, 3, ... across conversations and receipts', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const first = await send(store(), alice, bob);
      await send(store(), bob, alice);
      await send(store(), alice, carol);
      await store().markRead({
        conversationId: first.message.conversationId,
        userId: bob.id,
        upToSeq: 2,
        at: nextDate(),
      });

      expect(ids(await everything(alice))).toEqual([1, 2, 3, 4]);
      expect(ids(await everything(bob))).toEqual([1, 2, 3]);
      expect(ids(await everything(carol))).toEqual([1]);
      expect(await store().lastEventId(alice.id)).toBe(4);
      expect(await store().lastEventId(bob.id)).toBe(3);
    });

    it('keeps every stream contiguous under concurrent writes', async () => {
      const users = await createUsers(store(), 'u0', 'u1', 'u2');
      const sends = Array.from({ length: 30 }, (_, n) =>
        send(store(), users[n % 3] as User, users[(n + 1) % 3] as User),
      );
      await Promise.all(sends);

      for (const user of users) {
        const stream = ids(await everything(user));
        expect(stream).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
      }
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

      const replayed = [...(await everything(alice)), ...(await everything(bob))];
      const byUserAndId = (a: StoredEvent, b: StoredEvent) =>
        a.userId.localeCompare(b.userId) || a.id - b.id;
      expect(replayed.toSorted(byUserAndId)).toEqual(written.toSorted(byUserAndId));
      const newMessage = replayed.find((event) => event.data.type === 'message.new');
      expect(newMessage?.createdAt).toBeInstanceOf(Date);
      expect(
        newMessage?.data.type === 'message.new' && newMessage.data.message.createdAt,
      ).toBeInstanceOf(Date);
    });

    it('pages by afterId and limit, ascending', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      for (let n = 0; n < 5; n += 1) await send(store(), alice, bob);

      const page = await store().listEvents({ userId: bob.id, afterId: 1, limit: 2 });
      const rest = await store().listEvents({ userId: bob.id, afterId: 3, limit: 10 });
      const none = await store().listEvents({ userId: bob.id, afterId: 5, limit: 10 });

      expect(ids(page)).toEqual([2, 3]);
      expect(ids(rest)).toEqual([4, 5]);
      expect(none).toEqual([]);
    });

    it('starts at 0 for a user without events', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      await send(store(), alice, bob);

      expect(await store().lastEventId(carol.id)).toBe(0);
      expect(await everything(carol)).toEqual([]);
      expect(await store().lastEventId('no-such-user')).toBe(0);
    });
  });
}
