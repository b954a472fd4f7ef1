import { describe, expect, it } from 'vitest';
import type { User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  MANAGERS,
  OWNER_ONLY,
  post,
  refused,
  unavailable,
  upload,
  type ContractContext,
} from './fixtures.ts';

export function groupContract({ store }: ContractContext): void {
  describe('groups', () => {
    const roles = async (conversationId: string) =>
      Object.fromEntries(
        (await store().listMembers({ conversationId, limit: 100 })).items.map((m) => [
          m.userId,
          m.role,
        ]),
      );

    it('creates a group with its owner, members and a system message', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');

      const result = await createGroup(store(), alice, [bob, carol, bob, alice], { title: 'Trip' });

      expect(result.conversation).toMatchObject({
        kind: 'group',
        title: 'Trip',
        isPublic: false,
        memberCount: 3,
        createdBy: alice.id,
        lastSeq: 1,
        closedAt: null,
      });
      expect(result.message).toMatchObject({
        seq: 1,
        kind: 'system',
        senderId: alice.id,
        text: '',
        system: {
          action: 'created',
          actorId: alice.id,
          title: 'Trip',
          userIds: [bob.id, carol.id],
        },
      });
      expect(result.events).toHaveLength(1);
      expect(result.events[0]).toMatchObject({
        conversationId: result.conversation.id,
        data: { type: 'message.new', message: result.message },
        members: { joined: [alice.id, bob.id, carol.id], left: [] },
      });
      expect(await roles(result.conversation.id)).toEqual({
        [alice.id]: 'owner',
        [bob.id]: 'member',
        [carol.id]: 'member',
      });
      const periods = await store().listMembershipPeriods(bob.id);
      expect(periods).toEqual([
        {
          conversationId: result.conversation.id,
          userId: bob.id,
          fromEventId: result.events[0]?.id,
          toEventId: null,
          fromSeq: 1,
          toSeq: null,
        },
      ]);
    });

    it('refuses unknown users and groups over the cap, writing nothing', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const before = await store().lastEventId();

      const create = (memberIds: string[], max: number) =>
        changeGroup(
          store(),
          {
            type: 'create',
            actorId: alice.id,
            title: 'x',
            memberIds,
            avatarId: null,
            isPublic: false,
          },
          max,
        );
      expect(await refused(create([bob.id, 'ghost'], 10))).toBe('unknown_user');
      expect(await refused(create([bob.id, carol.id], 2))).toBe('full');
      expect(await store().lastEventId()).toBe(before);
      expect(await store().listConversations({ userId: alice.id, limit: 5 })).toMatchObject({
        items: [],
      });
    });

    it('lets admins and the owner add members, up to the cap, skipping current ones', async () => {
      const [alice, bob, carol, dave, erin] = await createUsers(
        store(),
        'alice',
        'bob',
        'carol',
        'dave',
        'erin',
      );
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      const add = (actor: User, users: User[], max = 4) =>
        changeGroup(
          store(),
          {
            type: 'add',
            conversationId: id,
            actorId: actor.id,
            userIds: users.map((u) => u.id),
            policy: MANAGERS,
          },
          max,
        );

      expect(await refused(add(bob, [carol]))).toBe('forbidden');
      expect(await refused(add(carol, [dave]))).toBe('not_found');
      const added = await add(alice, [bob, carol]);
      expect(added.message?.system).toEqual({
        action: 'added',
        actorId: alice.id,
        userIds: [carol.id],
      });
      expect(added.events[0]?.members).toEqual({ joined: [carol.id], left: [] });
      expect(added.conversation.memberCount).toBe(3);
      const again = await add(alice, [carol]);
      expect(again).toMatchObject({ message: null, events: [] });
      expect(await refused(add(alice, [dave, erin]))).toBe('full');
      expect((await add(alice, [dave])).conversation.memberCount).toBe(4);
    });

    it('lets admins remove members, the owner remove admins, and nobody the owner', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      const { conversation } = await createGroup(store(), alice, [bob, carol, dave]);
      const id = conversation.id;
      await changeGroup(store(), {
        type: 'setRole',
        conversationId: id,
        actorId: alice.id,
        userId: bob.id,
        role: 'admin',
        policy: OWNER_ONLY,
      });
      await changeGroup(store(), {
        type: 'setRole',
        conversationId: id,
        actorId: alice.id,
        userId: carol.id,
        role: 'admin',
        policy: OWNER_ONLY,
      });
      const remove = (actor: User, target: User) =>
        changeGroup(store(), {
          type: 'remove',
          conversationId: id,
          actorId: actor.id,
          userId: target.id,
          policy: MANAGERS,
        });

      expect(await refused(remove(dave, bob))).toBe('forbidden');
      expect(await refused(remove(bob, carol))).toBe('forbidden');
      expect(await refused(remove(bob, alice))).toBe('forbidden');
      expect(await refused(remove(alice, alice))).toBe('forbidden');

      const removed = await remove(bob, dave);
      expect(removed.message?.system).toEqual({
        action: 'removed',
        actorId: bob.id,
        userId: dave.id,
      });
      expect(removed.events[0]?.members).toEqual({ joined: [], left: [dave.id] });
      expect(await refused(remove(bob, dave))).toBe('target_not_member');
      await remove(alice, carol);
      expect(await roles(id)).toEqual({ [alice.id]: 'owner', [bob.id]: 'admin' });
      expect(await store().getMembership(id, dave.id)).toMatchObject({
        leftAt: removed.message?.createdAt,
      });
      expect(await refused(post(store(), dave, id))).toBe('not_member');
      const [period] = await store().listMembershipPeriods(dave.id);
      expect(period).toMatchObject({
        toEventId: removed.events[0]?.id,
        toSeq: removed.message?.seq,
      });
    });

    it('lets only the owner promote, demote and hand the group over', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const id = conversation.id;
      const setRole = (actor: User, target: User, role: 'owner' | 'admin' | 'member') =>
        changeGroup(store(), {
          type: 'setRole',
          conversationId: id,
          actorId: actor.id,
          userId: target.id,
          role,
          policy: OWNER_ONLY,
        });

      const promoted = await setRole(alice, bob, 'admin');
      expect(promoted.message?.system).toEqual({
        action: 'role',
        actorId: alice.id,
        userId: bob.id,
        role: 'admin',
      });
      expect(await refused(setRole(bob, carol, 'admin'))).toBe('forbidden');
      expect((await setRole(alice, bob, 'admin')).message).toBeNull();
      await setRole(alice, bob, 'member');
      await setRole(alice, carol, 'owner');
      expect(await roles(id)).toEqual({
        [alice.id]: 'admin',
        [bob.id]: 'member',
        [carol.id]: 'owner',
      });
      expect(await refused(setRole(alice, bob, 'admin'))).toBe('forbidden');
    });

    it('hands ownership to the longest-standing admin, else member, and closes an empty group', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: alice.id,
        userIds: [carol.id],
        policy: MANAGERS,
      });
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: alice.id,
        userIds: [dave.id],
        policy: MANAGERS,
      });
      await changeGroup(store(), {
        type: 'setRole',
        conversationId: id,
        actorId: alice.id,
        userId: dave.id,
        role: 'admin',
        policy: OWNER_ONLY,
      });
      const leave = (user: User) =>
        changeGroup(store(), { type: 'leave', conversationId: id, actorId: user.id });

      const first = await leave(alice);
      expect(first.message?.system).toEqual({
        action: 'left',
        actorId: alice.id,
        newOwnerId: dave.id,
      });
      expect(await roles(id)).toMatchObject({ [dave.id]: 'owner' });
      const second = await leave(dave);
      expect(second.message?.system).toMatchObject({ newOwnerId: bob.id });
      expect((await leave(carol)).message?.system).toMatchObject({ newOwnerId: null });
      const last = await leave(bob);
      expect(last.conversation).toMatchObject({
        memberCount: 0,
        closedAt: last.message?.createdAt,
      });
      expect(await refused(leave(bob))).toBe('not_member');
    });

    it('lets anyone join and leave a public group, and nobody join a private or closed one', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const open = await createGroup(store(), alice, [], { isPublic: true });
      const secret = await createGroup(store(), alice, []);
      await post(store(), alice, open.conversation.id, 'history before bob');
      const join = (user: User, conversationId: string, max = 256) =>
        changeGroup(store(), { type: 'join', conversationId, actorId: user.id }, max);

      const joined = await join(bob, open.conversation.id);
      expect(joined.message?.system).toEqual({ action: 'joined', actorId: bob.id });
      expect((await join(bob, open.conversation.id)).message).toBeNull();
      expect(await refused(join(carol, open.conversation.id, 2))).toBe('full');
      expect(await refused(join(carol, secret.conversation.id))).toBe('not_public');
      expect(await refused(join(carol, 'nothing'))).toBe('not_found');
      // A public group's history is open to whoever joins.
      const seen = await store().listMessages({
        conversationId: open.conversation.id,
        userId: bob.id,
        limit: 10,
      });
      expect(seen.map((m) => m.text)).toContain('history before bob');
      await changeGroup(store(), {
        type: 'leave',
        conversationId: open.conversation.id,
        actorId: bob.id,
      });
      await changeGroup(store(), {
        type: 'leave',
        conversationId: open.conversation.id,
        actorId: alice.id,
      });
      expect(await refused(join(carol, open.conversation.id))).toBe('closed');
    });

    it('admits no more than the cap when several join at the same time', async () => {
      const [alice, ...others] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      const { conversation } = await createGroup(store(), alice, [], { isPublic: true });

      const outcomes = await Promise.allSettled(
        others.map((user) =>
          changeGroup(
            store(),
            { type: 'join', conversationId: conversation.id, actorId: user.id },
            3,
          ),
        ),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected')
          expect(await refused(Promise.reject(outcome.reason))).toBe('full');
      }
      expect((await store().getConversation(conversation.id))?.memberCount).toBe(3);
      expect(
        (await store().listMembers({ conversationId: conversation.id, limit: 10 })).items,
      ).toHaveLength(3);
    });

    it('lets a former member of a private group back in with only the new history', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      await changeGroup(store(), {
        type: 'remove',
        conversationId: id,
        actorId: alice.id,
        userId: bob.id,
        policy: MANAGERS,
      });
      await post(store(), alice, id, 'while bob was out');
      await changeGroup(store(), {
        type: 'add',
        conversationId: id,
        actorId: alice.id,
        userIds: [bob.id],
        policy: MANAGERS,
      });
      await post(store(), alice, id, 'bob is back');

      const seen = await store().listMessages({ conversationId: id, userId: bob.id, limit: 10 });
      expect(seen.map((m) => m.seq)).toEqual([1, 2, 4, 5]);
      expect(await store().listMembershipPeriods(bob.id)).toHaveLength(2);
      expect(await store().getMembership(id, bob.id)).toMatchObject({
        role: 'member',
        leftAt: null,
      });
    });

    it('renames, changes the picture and the visibility, with one system message per change', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const id = conversation.id;
      const picture = await upload(store(), alice);
      const update = (
        actor: User,
        fields: { title?: string; avatarId?: string | null; isPublic?: boolean },
      ) =>
        changeGroup(store(), {
          type: 'update',
          conversationId: id,
          actorId: actor.id,
          policy: { owner: [], admin: [] },
          ...fields,
        });

      expect(await refused(update(bob, { title: 'Mine' }))).toBe('forbidden');
      const renamed = await update(alice, {
        title: 'New name',
        avatarId: picture.id,
        isPublic: true,
      });
      expect(renamed.message?.system).toEqual({
        action: 'updated',
        actorId: alice.id,
        title: 'New name',
        avatarId: picture.id,
        isPublic: true,
      });
      expect(renamed.conversation).toMatchObject({
        title: 'New name',
        avatarId: picture.id,
        isPublic: true,
      });
      expect((await store().getAttachment(picture.id))?.groupAvatarOf).toBe(id);
      expect((await update(alice, { title: 'New name' })).message).toBeNull();
      const cleared = await update(alice, { avatarId: null });
      expect(cleared.conversation.avatarId).toBeNull();
      expect((await store().getAttachment(picture.id))?.groupAvatarOf).toBeNull();
      const notMine = await upload(store(), bob);
      await unavailable(update(alice, { avatarId: notMine.id }));
    });
  });
}
