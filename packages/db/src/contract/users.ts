import { describe, expect, it } from 'vitest';
import type { User } from '../types.ts';
import { createUsers, expectDuplicate, type ContractContext } from './fixtures.ts';

export function userContract({ store }: ContractContext): void {
  describe('users', () => {
    it('creates a user and reads it back by id', async () => {
      const before = Date.now();
      const alice = await store().createUser({
        username: 'alice',
        email: 'alice@example.com',
        passwordHash: 'secret-hash',
        displayName: 'Alice A.',
      });

      expect(alice).toMatchObject({
        username: 'alice',
        email: 'alice@example.com',
        displayName: 'Alice A.',
        bio: '',
        avatarId: null,
        lastSeenAt: null,
      });
      expect(alice.id).toEqual(expect.any(String));
      expect(alice).not.toHaveProperty('passwordHash');
      expect(alice.createdAt).toBeInstanceOf(Date);
      expect(alice.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(alice.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await store().getUser(alice.id)).toEqual(alice);
    });

    it('gives every user its own id and returns null for an unknown one', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');

      expect(alice.id).not.toBe(bob.id);
      expect(await store().getUser('no-such-user')).toBeNull();
    });

    it.each(['alice', 'ALICE', 'Alice'])(
      'rejects the taken username "%s" with DuplicateError("username")',
      async (username) => {
        await createUsers(store(), 'alice');

        await expectDuplicate(
          store().createUser({
            username,
            email: 'other@example.com',
            passwordHash: 'h',
            displayName: 'Other',
          }),
          'username',
        );
        expect(await store().findUserByLogin('other@example.com')).toBeNull();
      },
    );

    it.each(['alice@example.com', 'ALICE@EXAMPLE.COM', 'Alice@Example.com'])(
      'rejects the taken email "%s" with DuplicateError("email")',
      async (email) => {
        await createUsers(store(), 'alice');

        await expectDuplicate(
          store().createUser({ username: 'other', email, passwordHash: 'h', displayName: 'Other' }),
          'email',
        );
        expect(await store().findUserByLogin('other')).toBeNull();
      },
    );

    it('finds a user with their secret by username or email, in any case', async () => {
      const [alice] = await createUsers(store(), 'alice', 'bob');

      for (const login of ['alice', 'ALICE', 'alice@example.com', 'Alice@EXAMPLE.com']) {
        expect(await store().findUserByLogin(login)).toEqual({
          ...alice,
          passwordHash: 'hash-of-alice',
        });
      }
      expect(await store().findUserByLogin('alic')).toBeNull();
      expect(await store().findUserByLogin('nobody@example.com')).toBeNull();
    });

    it('gets several users by id, once each, skipping unknown ids', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob', 'carol');

      const found = await store().getUsers([bob.id, 'no-such-user', alice.id, bob.id]);

      expect(sortById(found)).toEqual(sortById([alice, bob]));
      expect(await store().getUsers([])).toEqual([]);
    });

    it('lists everyone but me by username, page by page, without repeats', async () => {
      const names = ['gus', 'ann', 'fay', 'eve', 'bob', 'dan', 'cat'] as const;
      const users = await createUsers(store(), ...names);
      const me = users[2];

      const seen: User[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store().listUsers({ excludeId: me.id, limit: 2, cursor });
        expect(page.items.length).toBeGreaterThan(0);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);

      expect(seen.map((user) => user.username)).toEqual(['ann', 'bob', 'cat', 'dan', 'eve', 'gus']);
      expect(pages).toBe(3);
    });

    it('ends the list with a null cursor when the last page is full', async () => {
      const [me] = await createUsers(store(), 'me', 'one', 'two');

      const page = await store().listUsers({ excludeId: me.id, limit: 2 });

      expect(page.items.map((user) => user.username)).toEqual(['one', 'two']);
      expect(page.nextCursor).toBeNull();
    });

    it('searches by username prefix or any word of the display name, case-insensitively', async () => {
      const [me, , , bob, zed] = await createUsers(
        store(),
        'mallory',
        'marta',
        'maxine',
        'bob',
        'zed',
      );
      await store().updateProfile(zed.id, { displayName: 'Max Power' });
      await store().updateProfile(bob.id, { displayName: 'Robert (aka Max)' });

      const found = await store().searchUsers({ query: 'MA', excludeId: me.id, limit: 10 });
      expect(found.map((user) => user.username)).toEqual(['bob', 'marta', 'maxine', 'zed']);

      const limited = await store().searchUsers({ query: 'ma', excludeId: me.id, limit: 2 });
      expect(limited.map((user) => user.username)).toEqual(['bob', 'marta']);

      const inside = await store().searchUsers({ query: 'power', excludeId: me.id, limit: 10 });
      expect(inside.map((user) => user.username)).toEqual(['zed']);
      expect(await store().searchUsers({ query: 'ower', excludeId: me.id, limit: 10 })).toEqual([]);

      expect(await store().searchUsers({ query: 'xyz', excludeId: me.id, limit: 10 })).toEqual([]);
    });

    it('treats % and _ and \\ in a search as plain characters', async () => {
      const [me, under, other, percent, spaced, slash] = await createUsers(
        store(),
        'me',
        'a_b',
        'axb',
        'p1',
        'p2',
        's1',
      );
      await store().updateProfile(percent.id, { displayName: '50% off' });
      await store().updateProfile(spaced.id, { displayName: '50 cents' });
      await store().updateProfile(slash.id, { displayName: 'back\\slash' });

      const search = (query: string) =>
        store()
          .searchUsers({ query, excludeId: me.id, limit: 10 })
          .then((users) => users.map((user) => user.id));

      expect(await search('a_')).toEqual([under.id]);
      expect(await search('ax')).toEqual([other.id]);
      expect(await search('50%')).toEqual([percent.id]);
      expect(await search('%')).toEqual([]);
      expect(await search('_')).toEqual([]);
      expect(await search('back\\')).toEqual([slash.id]);
    });

    it('updates only the profile fields given, and can clear the avatar', async () => {
      const [alice] = await createUsers(store(), 'alice');

      const renamed = await store().updateProfile(alice.id, { displayName: 'Ally' });
      expect(renamed).toEqual({ ...alice, displayName: 'Ally' });

      const described = await store().updateProfile(alice.id, { bio: 'hi', avatarId: 'avatar-1' });
      expect(described).toEqual({ ...alice, displayName: 'Ally', bio: 'hi', avatarId: 'avatar-1' });

      const cleared = await store().updateProfile(alice.id, { avatarId: null });
      expect(cleared).toEqual({ ...alice, displayName: 'Ally', bio: 'hi', avatarId: null });

      expect(await store().updateProfile(alice.id, {})).toEqual(cleared);
      expect(await store().getUser(alice.id)).toEqual(cleared);
      expect(await store().updateProfile('no-such-user', { bio: 'x' })).toBeNull();
    });

    it('records when a user was last seen', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const seenAt = new Date('2025-05-05T05:05:05.555Z');

      await store().setLastSeen(alice.id, seenAt);

      const reread = await store().getUser(alice.id);
      expect(reread?.lastSeenAt).toBeInstanceOf(Date);
      expect(reread?.lastSeenAt?.toISOString()).toBe(seenAt.toISOString());
      expect((await store().getUser(bob.id))?.lastSeenAt).toBeNull();
    });
  });
}

function sortById(users: User[]): User[] {
  return [...users].sort((a, b) => a.id.localeCompare(b.id));
}
