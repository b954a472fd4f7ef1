import { describe, expect, it } from 'vitest';
import type { PushSubscription, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  MANAGERS,
  nextDate,
  send,
  type ContractContext,
} from './fixtures.ts';

export function pushContract({ store }: ContractContext): void {
  describe('push subscriptions and notification settings', () => {
    const session = (user: User, expiresAt = new Date(Date.now() + 24 * 3600_000)) =>
      store().createSession({
        userId: user.id,
        refreshTokenHash: `hash-${crypto.randomUUID()}`,
        expiresAt,
        userAgent: null,
        ip: null,
      });
    /** A device of the user, subscribed with a new session (or the one given). */
    const subscribe = async (user: User, endpoint: string, sessionId?: string) => {
      const subscription: PushSubscription = {
        endpoint,
        p256dh: `key-of-${endpoint}`,
        auth: `auth-of-${endpoint}`,
        userId: user.id,
        sessionId: sessionId ?? (await session(user)).id,
        createdAt: nextDate(),
      };
      await store().savePushSubscription(subscription);
      return subscription;
    };
    const targets = async (
      conversationId: string,
      sender: User,
      opts: { userIds?: string[]; at?: Date } = {},
    ) =>
      (
        await store().listPushTargets({
          conversationId,
          exceptUserId: sender.id,
          userIds: opts.userIds ?? null,
          at: opts.at ?? new Date(),
        })
      )
        .map((s) => s.endpoint)
        .toSorted();

    it('pushes to the devices of the current members but the sender, while their session lasts', async () => {
      const [alice, bob, carol, dave, erin] = await createUsers(
        store(),
        'alice',
        'bob',
        'carol',
        'dave',
        'erin',
      );
      const group = await createGroup(store(), alice, [bob, carol, dave, erin]);
      const conversationId = group.conversation.id;
      await subscribe(alice, 'https://push.example/alice');
      const phone = await subscribe(bob, 'https://push.example/bob-phone');
      const laptop = await subscribe(bob, 'https://push.example/bob-laptop');
      const expired = await session(carol, new Date(Date.now() - 1000));
      await subscribe(carol, 'https://push.example/carol-old', expired.id);
      await subscribe(erin, 'https://push.example/erin');
      await changeGroup(store(), {
        type: 'remove',
        conversationId,
        actorId: alice.id,
        userId: erin.id,
        policy: MANAGERS,
      });

      expect(await targets(conversationId, alice)).toEqual([
        'https://push.example/bob-laptop',
        'https://push.example/bob-phone',
      ]);
      expect(
        await store().listPushTargets({ conversationId, exceptUserId: alice.id, at: new Date() }),
      ).toContainEqual(phone);
      expect(await targets(conversationId, bob)).toEqual(['https://push.example/alice']);
      expect(await targets(conversationId, alice, { userIds: [carol.id, dave.id] })).toEqual([]);
      expect(await targets(conversationId, alice, { userIds: [] })).toEqual([]);

      await store().revokeSession(laptop.sessionId, new Date());
      expect(await targets(conversationId, alice)).toEqual(['https://push.example/bob-phone']);
    });

    it('leaves out those who muted the conversation, until the mute ends', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), alice, bob);
      await subscribe(bob, 'https://push.example/bob');
      const now = new Date();
      await store().updateConversationSettings({
        userId: bob.id,
        conversationId: message.conversationId,
        patch: { mutedUntil: new Date(now.getTime() + 3600_000) },
        maxPinned: 10,
        at: now,
      });

      expect(await targets(message.conversationId, alice, { at: now })).toEqual([]);
      expect(
        await targets(message.conversationId, alice, { at: new Date(now.getTime() + 7200_000) }),
      ).toEqual(['https://push.example/bob']);
    });

    it('moves a device to whoever subscribes it last, and removes it only for its owner', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const toAlice = (await send(store(), carol, alice)).message.conversationId;
      const toBob = (await send(store(), carol, bob)).message.conversationId;
      const endpoint = 'https://push.example/shared-browser';
      await subscribe(alice, endpoint);
      await subscribe(bob, endpoint);

      expect(await targets(toAlice, carol)).toEqual([]);
      expect(await targets(toBob, carol)).toEqual([endpoint]);
      expect(await store().deletePushSubscription(endpoint, alice.id)).toBe(false);
      expect(await targets(toBob, carol)).toEqual([endpoint]);
      expect(await store().deletePushSubscription(endpoint, bob.id)).toBe(true);
      expect(await targets(toBob, carol)).toEqual([]);

      await subscribe(bob, endpoint);
      expect(await store().deletePushSubscription(endpoint)).toBe(true);
      expect(await store().deletePushSubscription(endpoint)).toBe(false);
    });
  });
}
