import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  everything,
  nextDate,
  unavailable,
  upload,
  uploadFile,
  uploadVoice,
  type ContractContext,
} from './fixtures.ts';

/** Files and voice notes: attachments of the kinds that keep their bytes as uploaded. */
export function fileContract({ store }: ContractContext): void {
  describe('files and voice notes', () => {
    function sendWith(from: User, to: User, attachmentIds: string[]) {
      return store().sendMessage({
        senderId: from.id,
        recipientId: to.id,
        text: '',
        attachmentIds,
        mentionUsernames: [],
        clientMessageId: randomUUID(),
        createdAt: nextDate(),
      });
    }

    it('records a file and a voice note with the fields of their kind', async () => {
      const [alice] = await createUsers(store(), 'alice');
      const createdAt = nextDate();

      const file = await uploadFile(store(), alice, { name: 'Q3 report.pdf', createdAt });
      const voice = await uploadVoice(store(), alice, { mime: 'audio/ogg', createdAt });

      const unused = {
        messageId: null,
        conversationId: null,
        isAvatar: false,
        groupAvatarOf: null,
      };
      expect(file).toEqual({
        id: expect.any(String),
        ownerId: alice.id,
        kind: 'file',
        mime: 'application/pdf',
        name: 'Q3 report.pdf',
        size: 54_321,
        createdAt,
        ...unused,
        blobId: file.id,
      });
      expect(voice).toEqual({
        id: expect.any(String),
        ownerId: alice.id,
        kind: 'voice',
        mime: 'audio/ogg',
        durationMs: 12_340,
        size: 20_480,
        createdAt,
        ...unused,
        blobId: voice.id,
      });
      expect(await store().getAttachments([voice.id, file.id])).toEqual([voice, file]);
    });

    it('sends them with a message, carried as a download card and a player in the stream', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const file = await uploadFile(store(), alice, {
        name: 'archive.zip',
        mime: 'application/zip',
      });
      const voice = await uploadVoice(store(), alice);
      const photo = await upload(store(), alice);

      const { message } = await sendWith(alice, bob, [file.id, voice.id, photo.id]);

      expect(message.attachments).toEqual([
        {
          id: file.id,
          kind: 'file',
          mime: 'application/zip',
          name: 'archive.zip',
          size: 54_321,
          url: `/api/files/${file.id}/original`,
        },
        {
          id: voice.id,
          kind: 'voice',
          mime: 'audio/webm',
          size: 20_480,
          durationMs: 12_340,
          url: `/api/files/${voice.id}/original`,
        },
        expect.objectContaining({ id: photo.id, kind: 'image' }),
      ]);
      expect(await store().getMessage(message.id)).toEqual(message);
      const [stored] = await everything(store(), bob);
      expect(stored?.data).toEqual({ type: 'message.new', message });
      expect(await store().getAttachment(voice.id)).toMatchObject({ messageId: message.id });
    });

    it('keeps the name and duration on a forwarded copy, sharing the bytes', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const file = await uploadFile(store(), alice);
      const voice = await uploadVoice(store(), alice);
      const source = await sendWith(alice, bob, [file.id, voice.id]);
      const group = await createGroup(store(), bob, [carol]);

      const [forwarded] = await store().forwardMessage({
        messageId: source.message.id,
        actorId: bob.id,
        conversationIds: [group.conversation.id],
        clientMessageIds: ['fwd-files'],
        createdAt: nextDate(),
      });

      const [fileCopy, voiceCopy] = forwarded!.message.attachments;
      expect(fileCopy).toMatchObject({ kind: 'file', name: 'report.pdf', size: 54_321 });
      expect(voiceCopy).toMatchObject({ kind: 'voice', durationMs: 12_340 });
      expect(await store().getAttachment(voiceCopy!.id)).toMatchObject({
        kind: 'voice',
        durationMs: 12_340,
        blobId: voice.id,
        ownerId: bob.id,
      });
    });

    it('never makes a file or a voice note a profile or group picture', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const file = await uploadFile(store(), alice, { mime: 'image/svg+xml', name: 'x.svg' });
      const voice = await uploadVoice(store(), alice);
      const { conversation } = await createGroup(store(), alice, [bob]);

      for (const attachment of [file, voice]) {
        const error = await unavailable(store().setAvatar(alice.id, attachment.id));
        expect(error.attachmentId).toBe(attachment.id);
        const group = await unavailable(
          changeGroup(store(), {
            type: 'update',
            conversationId: conversation.id,
            actorId: alice.id,
            policy: { owner: [], admin: [] },
            avatarId: attachment.id,
          }),
        );
        expect(group.attachmentId).toBe(attachment.id);
        expect(await store().getAttachment(attachment.id)).toMatchObject({
          isAvatar: false,
          groupAvatarOf: null,
        });
      }
      expect((await store().getUser(alice.id))?.avatarId).toBeNull();
    });

    it('collects an unused file like an unused image', async () => {
      const [alice] = await createUsers(store(), 'alice');
      const old = await uploadFile(store(), alice, { createdAt: new Date('2020-01-01') });
      const unused = await store().listUnusedAttachments({
        createdBefore: new Date('2021-01-01'),
        limit: 10,
      });
      expect(unused.map((a) => a.id)).toEqual([old.id]);
      expect(await store().deleteUnusedAttachment(old.id)).toBe(true);
      expect(await store().getAttachment(old.id)).toBeNull();
    });
  });
}
