import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewMessage, User } from '../types.ts';
import {
  createUsers,
  everything,
  nextDate,
  unavailable,
  upload,
  type ContractContext,
} from './fixtures.ts';

export function attachmentContract({ store }: ContractContext): void {
  describe('attachments', () => {
    function sendWith(from: User, to: User, attachmentIds: string[], clientMessageId?: string) {
      const msg: NewMessage = {
        senderId: from.id,
        recipientId: to.id,
        text: '',
        attachmentIds,
        mentionUsernames: [],
        clientMessageId: clientMessageId ?? randomUUID(),
        createdAt: nextDate(),
      };
      return store().sendMessage(msg);
    }

    it('records an upload, unused, with an id of its own', async () => {
      const [alice] = await createUsers(store(), 'alice');
      const createdAt = nextDate();

      const first = await upload(store(), alice, { mime: 'image/png', createdAt });
      const second = await upload(store(), alice);

      expect(first).toEqual({
        id: expect.any(String),
        ownerId: alice.id,
        kind: 'image',
        mime: 'image/png',
        size: 123_456,
        width: 4000,
        height: 3000,
        variants: {
          display: { width: 1600, height: 1200, size: 200_000 },
          thumb: { width: 320, height: 240, size: 12_000 },
        },
        createdAt,
        messageId: null,
        conversationId: null,
        isAvatar: false,
        groupAvatarOf: null,
        blobId: first.id,
      });
      expect(second.id).not.toBe(first.id);
      expect(await store().getAttachment(first.id)).toEqual(first);
      expect(await store().getAttachment('no-such-attachment')).toBeNull();
      expect(await store().getAttachments([second.id, 'nope', first.id])).toEqual([second, first]);
      expect(await store().getAttachments([])).toEqual([]);
    });

    it('claims the attachments for the message they are sent with, in their order', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const photo = await upload(store(), alice, { mime: 'image/webp' });
      const other = await upload(store(), alice);

      const { message, events } = await sendWith(alice, bob, [other.id, photo.id]);

      expect(message.text).toBe('');
      expect(message.attachmentIds).toEqual([other.id, photo.id]);
      expect(message.attachments).toEqual([
        {
          id: other.id,
          kind: 'image',
          mime: 'image/jpeg',
          width: 1600,
          height: 1200,
          url: `/api/files/${other.id}/display`,
          thumbUrl: `/api/files/${other.id}/thumb`,
          thumbWidth: 320,
          thumbHeight: 240,
        },
        expect.objectContaining({ id: photo.id, mime: 'image/webp' }),
      ]);
      expect(await store().getAttachment(photo.id)).toMatchObject({
        messageId: message.id,
        conversationId: message.conversationId,
        isAvatar: false,
        groupAvatarOf: null,
      });
      // Everything that hands the message out again hands out the same copy.
      expect(await store().getMessage(message.id)).toEqual(message);
      expect(
        await store().listMessages({
          conversationId: message.conversationId,
          userId: bob.id,
          limit: 5,
        }),
      ).toEqual([message]);
      expect(events.map((event) => event.data)).toEqual([{ type: 'message.new', message }]);
      for (const user of [alice, bob]) {
        const [stored] = await everything(store(), user);
        expect(stored?.data).toEqual({ type: 'message.new', message });
      }
      const [summary] = (await store().listConversations({ userId: bob.id, limit: 5 })).items;
      expect(summary?.lastMessage).toEqual(message);
    });

    it('refuses an attachment that is not the sender’s to use, writing nothing', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const mine = await upload(store(), alice);
      const bobs = await upload(store(), bob);
      const sent = await upload(store(), alice);
      await sendWith(alice, bob, [sent.id]);
      const before = await store().lastEventId();

      const cases: [string[], string][] = [
        [[mine.id, bobs.id], bobs.id], // someone else's upload
        [[mine.id, 'no-such-attachment'], 'no-such-attachment'],
        [[sent.id, mine.id], sent.id], // already sent with a message
        [[mine.id, mine.id], mine.id], // twice in one message
      ];
      for (const [ids, culprit] of cases) {
        const error = await unavailable(sendWith(alice, bob, ids, `refused-${culprit}`));
        expect(error.attachmentId).toBe(culprit);
        expect(await store().getMessageByClientId(alice.id, `refused-${culprit}`)).toBeNull();
      }

      expect(await store().getAttachment(mine.id)).toMatchObject({ messageId: null });
      expect(await store().getAttachment(bobs.id)).toMatchObject({ messageId: null });
      expect(await store().lastEventId()).toBe(before);
      const conversationId = (await store().findDirectConversation(alice.id, bob.id))?.id ?? '';
      expect(
        await store().listMessages({ conversationId, userId: alice.id, limit: 10 }),
      ).toHaveLength(1);
      // Still usable afterwards.
      const { message } = await sendWith(alice, bob, [mine.id]);
      expect(message.seq).toBe(2);
    });

    it('returns the original on a retry, without claiming again', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const photo = await upload(store(), alice);

      const original = await sendWith(alice, bob, [photo.id], 'client-1');
      const retry = await sendWith(alice, bob, [photo.id], 'client-1');

      expect(retry).toEqual({ message: original.message, created: false, events: [] });
      expect(await store().getAttachment(photo.id)).toMatchObject({
        messageId: original.message.id,
      });
    });

    it('lets one message of many sent at once claim an attachment', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const photo = await upload(store(), alice);

      const results = await Promise.allSettled(
        [bob, carol, bob, carol, bob].map((to) => sendWith(alice, to, [photo.id])),
      );

      const sent = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.message] : []));
      expect(sent).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') await unavailable(Promise.reject(result.reason));
      }
      expect(await store().getAttachment(photo.id)).toMatchObject({
        messageId: sent[0]?.id,
        conversationId: sent[0]?.conversationId,
      });
    });

    it('sets, replaces and clears an avatar, releasing the previous one', async () => {
      const [alice] = await createUsers(store(), 'alice');
      const first = await upload(store(), alice);
      const second = await upload(store(), alice);

      const withFirst = await store().setAvatar(alice.id, first.id);
      expect(withFirst).toEqual({ ...alice, avatarId: first.id });
      expect(await store().getUser(alice.id)).toEqual(withFirst);
      expect(await store().getAttachment(first.id)).toMatchObject({ isAvatar: true });
      expect(await store().setAvatar(alice.id, first.id)).toEqual(withFirst);

      expect(await store().setAvatar(alice.id, second.id)).toMatchObject({ avatarId: second.id });
      expect(await store().getAttachment(first.id)).toMatchObject({ isAvatar: false });
      expect(await store().getAttachment(second.id)).toMatchObject({ isAvatar: true });

      expect(await store().setAvatar(alice.id, null)).toMatchObject({ avatarId: null });
      expect(await store().getAttachment(second.id)).toMatchObject({ isAvatar: false });
      expect(await store().setAvatar('no-such-user', null)).toBeNull();
    });

    it('refuses as avatar an upload of someone else or one sent with a message', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const current = await upload(store(), alice);
      await store().setAvatar(alice.id, current.id);
      const bobs = await upload(store(), bob);
      const sent = await upload(store(), alice);
      await sendWith(alice, bob, [sent.id]);

      for (const id of [bobs.id, sent.id, 'no-such-attachment']) {
        expect((await unavailable(store().setAvatar(alice.id, id))).attachmentId).toBe(id);
      }

      // Nothing changed: the avatar stays, and cannot be sent with a message either.
      expect(await store().getUser(alice.id)).toMatchObject({ avatarId: current.id });
      expect(await store().getAttachment(current.id)).toMatchObject({ isAvatar: true });
      expect(await store().getAttachment(bobs.id)).toMatchObject({ isAvatar: false });
      expect((await unavailable(sendWith(alice, bob, [current.id]))).attachmentId).toBe(current.id);
    });

    it('lists unused uploads created before a time, oldest first, and deletes only those', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const oldest = await upload(store(), alice);
      const sent = await upload(store(), alice);
      const avatar = await upload(store(), bob);
      const old = await upload(store(), bob);
      const cutoff = nextDate();
      const fresh = await upload(store(), alice);
      await sendWith(alice, bob, [sent.id]);
      await store().setAvatar(bob.id, avatar.id);

      const unused = await store().listUnusedAttachments({ createdBefore: cutoff, limit: 10 });
      expect(unused.map((attachment) => attachment.id)).toEqual([oldest.id, old.id]);
      expect(
        (await store().listUnusedAttachments({ createdBefore: cutoff, limit: 1 })).map((a) => a.id),
      ).toEqual([oldest.id]);
      expect(
        (await store().listUnusedAttachments({ createdBefore: nextDate(), limit: 10 })).map(
          (a) => a.id,
        ),
      ).toEqual([oldest.id, old.id, fresh.id]);

      expect(await store().deleteUnusedAttachment(oldest.id)).toBe(true);
      expect(await store().deleteUnusedAttachment(oldest.id)).toBe(false);
      expect(await store().deleteUnusedAttachment(sent.id)).toBe(false);
      expect(await store().deleteUnusedAttachment(avatar.id)).toBe(false);
      expect(await store().getAttachment(oldest.id)).toBeNull();
      expect(await store().getAttachment(sent.id)).not.toBeNull();
      expect(await store().getAttachment(avatar.id)).not.toBeNull();
      // A deleted upload cannot be sent any more.
      expect((await unavailable(sendWith(alice, bob, [oldest.id]))).attachmentId).toBe(oldest.id);
    });
  });
}
