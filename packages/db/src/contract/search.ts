import { describe, expect, it } from 'vitest';
import type { SearchHit, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  MANAGERS,
  nextDate,
  post,
  send,
  type ContractContext,
} from './fixtures.ts';

export function searchContract({ store }: ContractContext): void {
  describe('message search', () => {
    const search = async (
      user: User,
      query: string,
      opts: { conversationId?: string; limit?: number; cursor?: string | null } = {},
    ) => store().searchMessages({ userId: user.id, query, limit: opts.limit ?? 20, ...opts });
    const texts = (hits: SearchHit[]) => hits.map((hit) => hit.message.text);

    it('finds my messages in every conversation of mine, accents and case folded, and no one else’s', async () => {
      const [alice, bob, carol, dave] = await createUsers(store(), 'alice', 'bob', 'carol', 'dave');
      await send(store(), alice, bob, 'Le CAFÉ est fermé');
      await send(store(), carol, alice, 'a cafe au lait, please');
      const group = await createGroup(store(), dave, [alice]);
      await post(store(), dave, group.conversation.id, 'Café time in the group');
      await send(store(), bob, carol, 'café between bob and carol');
      await send(store(), alice, bob, 'nothing to see');

      const found = await search(alice, 'cafe ');
      expect(texts(found.items).toSorted()).toEqual([
        'Café time in the group',
        'Le CAFÉ est fermé',
        'a cafe au lait, please',
      ]);
      expect(found.nextCursor).toBeNull();
      expect(texts((await search(dave, 'CAFÉ ')).items)).toEqual(['Café time in the group']);
      const [hit] = (await search(bob, 'fermé')).items;
      expect(hit?.message).toEqual(await store().getMessage(hit!.message.id));
      expect((await search(alice, 'between')).items).toEqual([]);
    });

    it('searches one conversation when asked, and none I never belonged to', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const withBob = await send(store(), alice, bob, 'apples with bob');
      await send(store(), alice, carol, 'apples with carol');
      const theirs = await send(store(), bob, carol, 'apples of theirs');

      const within = await search(alice, 'apples', {
        conversationId: withBob.message.conversationId,
      });
      expect(texts(within.items)).toEqual(['apples with bob']);
      const elsewhere = await search(alice, 'apples', {
        conversationId: theirs.message.conversationId,
      });
      expect(elsewhere.items).toEqual([]);
    });

    it('matches the last word as a prefix while it is typed, the others as whole words', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      await send(store(), alice, bob, 'the quick brown fox');
      await send(store(), alice, bob, 'a quiet evening');
      await send(store(), alice, bob, 'quicksand brown');

      expect(texts((await search(bob, 'quic')).items).toSorted()).toEqual([
        'quicksand brown',
        'the quick brown fox',
      ]);
      expect(texts((await search(bob, 'qui')).items)).toHaveLength(3);
      // A finished word (followed by a space) is whole; so is any but the last.
      expect(texts((await search(bob, 'quick ')).items)).toEqual(['the quick brown fox']);
      expect(texts((await search(bob, 'quick bro')).items)).toEqual(['the quick brown fox']);
      expect(texts((await search(bob, 'bro quick')).items)).toEqual([]);
      // A short last word too, checked on what the other words found.
      expect(texts((await search(bob, 'brown f')).items)).toEqual(['the quick brown fox']);
      // Every word must be there.
      expect(texts((await search(bob, 'brown evening ')).items)).toEqual([]);
      // No word at all: nothing.
      expect((await search(bob, '?! …')).items).toEqual([]);
    });

    it('takes a short word of letters outside the BMP, or a word typed twice, as a whole word', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      await send(store(), alice, bob, 'an 𘱭ᴯ here, and wo there');
      expect(texts((await search(alice, '🏧𘱭ᴯ')).items)).toEqual(['an 𘱭ᴯ here, and wo there']);
      expect(texts((await search(alice, 'wo wo')).items)).toEqual(['an 𘱭ᴯ here, and wo there']);
    });

    it('lists the newest first, whatever the words weigh', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      await send(store(), alice, bob, 'pizza');
      await send(store(), alice, bob, 'pizza pizza pizza');
      await send(
        store(),
        alice,
        bob,
        'we could have pizza tonight or maybe something else entirely',
      );
      await send(store(), bob, alice, 'no pizza');

      const found = await search(bob, 'pizza ');
      expect(texts(found.items)).toEqual([
        'no pizza',
        'we could have pizza tonight or maybe something else entirely',
        'pizza pizza pizza',
        'pizza',
      ]);
      const times = found.items.map((hit) => hit.message.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('reads past newer messages a short last word rules out, page after page', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      for (let i = 0; i < 3; i++) await send(store(), alice, bob, `order ok ${i}`);
      for (let i = 0; i < 40; i++) await send(store(), alice, bob, `order ${i} pending`);

      const first = await search(bob, 'order ok', { limit: 2 });
      expect(texts(first.items)).toEqual(['order ok 2', 'order ok 1']);
      const rest = await search(bob, 'order ok', { limit: 2, cursor: first.nextCursor });
      expect(texts(rest.items)).toEqual(['order ok 0']);
      expect(rest.nextCursor).toBeNull();
    });

    it('marks the matching words of a snippet, cut around the first match of a long text', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      await send(store(), alice, bob, 'Déjà vu: the Fox, the foxes and a box');
      const long = `${'lorem ipsum '.repeat(30)}the needle is here ${'dolor sit '.repeat(30)}`;
      await send(store(), alice, bob, long);

      const [short] = (await search(bob, 'fox')).items;
      expect(short?.snippet).toEqual([
        { text: 'Déjà vu: the ', match: false },
        { text: 'Fox', match: true },
        { text: ', the ', match: false },
        { text: 'foxes', match: true },
        { text: ' and a box', match: false },
      ]);
      const [cut] = (await search(bob, 'needle ')).items;
      const shown = cut!.snippet.map((s) => s.text).join('');
      expect(cut!.snippet[0]).toEqual({ text: expect.stringMatching(/^…/), match: false });
      expect(cut!.snippet.at(-1)).toEqual({ text: expect.stringMatching(/…$/), match: false });
      expect(cut!.snippet.filter((s) => s.match)).toEqual([{ text: 'needle', match: true }]);
      expect(shown.length).toBeLessThan(200);
      expect(long).toContain(shown.slice(1, -1));
    });

    it('pages through the results with an opaque cursor, each result once', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      for (let i = 0; i < 7; i++) await send(store(), alice, bob, `report number ${i}`);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await search(bob, 'report', { limit: 3, cursor });
        seen.push(...page.items.map((hit) => hit.message.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(7);
      expect((await search(bob, 'report', { cursor: 'not-ours' })).items).toEqual([]);
    });

    it('finds only what a member could read: from their joining to their removal', async () => {
      const [owner, member, late] = await createUsers(store(), 'owner', 'member', 'late');
      const group = await createGroup(store(), owner, [member]);
      const conversationId = group.conversation.id;
      await post(store(), owner, conversationId, 'secret plan one');
      await changeGroup(store(), {
        type: 'add',
        conversationId,
        actorId: owner.id,
        userIds: [late.id],
        policy: MANAGERS,
      });
      await post(store(), owner, conversationId, 'secret plan two');
      await changeGroup(store(), {
        type: 'remove',
        conversationId,
        actorId: owner.id,
        userId: member.id,
        policy: MANAGERS,
      });
      await post(store(), owner, conversationId, 'secret plan three');

      expect(texts((await search(owner, 'secret plan')).items).toSorted()).toEqual([
        'secret plan one',
        'secret plan three',
        'secret plan two',
      ]);
      expect(texts((await search(member, 'secret plan')).items).toSorted()).toEqual([
        'secret plan one',
        'secret plan two',
      ]);
      expect(texts((await search(late, 'secret plan')).items).toSorted()).toEqual([
        'secret plan three',
        'secret plan two',
      ]);
    });

    it('follows edits and deletions at once, and leaves out what I hid', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const edited = await send(store(), alice, bob, 'meet at the station');
      const deleted = await send(store(), alice, bob, 'the station code is 4321');
      const hidden = await send(store(), alice, bob, 'station wagon for sale');

      await store().actOnMessage(
        {
          type: 'edit',
          messageId: edited.message.id,
          actorId: alice.id,
          text: 'meet at the harbour',
          mentionUsernames: [],
          notBefore: new Date(0),
        },
        nextDate(),
      );
      await store().actOnMessage(
        {
          type: 'delete',
          messageId: deleted.message.id,
          actorId: alice.id,
          notBefore: new Date(0),
          adminRoles: [],
        },
        nextDate(),
      );
      await store().actOnMessage(
        { type: 'hide', messageId: hidden.message.id, actorId: bob.id },
        nextDate(),
      );

      expect(texts((await search(bob, 'station')).items)).toEqual([]);
      expect(texts((await search(alice, 'station')).items)).toEqual(['station wagon for sale']);
      const [harbour] = (await search(bob, 'harbour')).items;
      expect(harbour?.message).toMatchObject({ id: edited.message.id, editedAt: expect.any(Date) });
      expect((await search(alice, '4321')).items).toEqual([]);
    });

    it('never finds the system lines of a group', async () => {
      const [owner, member] = await createUsers(store(), 'owner', 'member');
      await createGroup(store(), owner, [member], { title: 'Gardening club' });

      expect((await search(owner, 'gardening')).items).toEqual([]);
      expect((await search(member, 'club')).items).toEqual([]);
    });
  });
}
