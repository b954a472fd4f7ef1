import { describe, expect, it } from 'vitest';
import { MessageActionError } from '../store.ts';
import type { MessageAction, Role, User } from '../types.ts';
import {
  changeGroup,
  createGroup,
  createUsers,
  everything,
  MANAGERS,
  nextDate,
  post,
  refused,
  send,
  upload,
  type ContractContext,
} from './fixtures.ts';

const LONG_AGO = new Date(0);
const ADMINS: Role[] = ['owner', 'admin'];

export function actionContract({ store }: ContractContext): void {
  describe('message actions', () => {
    const act = (action: MessageAction) => store().actOnMessage(action, nextDate());
    const edit = (actor: User, messageId: string, text: string, notBefore = LONG_AGO) =>
      act({ type: 'edit', messageId, actorId: actor.id, text, mentionUsernames: [], notBefore });
    const remove = (actor: User, messageId: string, notBefore = LONG_AGO) =>
      act({ type: 'delete', messageId, actorId: actor.id, notBefore, adminRoles: ADMINS });
    const react = (actor: User, messageId: string, emoji: string, on = true, maxEmoji = 20) =>
      act({ type: 'react', messageId, actorId: actor.id, emoji, on, maxEmoji });
    const refusedFor = async (attempt: Promise<unknown>) => {
      const error = await attempt.then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(MessageActionError);
      return (error as MessageActionError).reason;
    };

    it('replies to a message, showing what it answers as it is now', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const first = await send(store(), alice, bob, 'original question');
      const reply = await store().sendMessage({
        senderId: bob.id,
        conversationId: first.message.conversationId,
        text: 'the answer',
        attachmentIds: [],
        mentionUsernames: [],
        clientMessageId: 'reply-1',
        createdAt: nextDate(),
        replyToId: first.message.id,
      });
      expect(reply.message.replyTo).toEqual({
        messageId: first.message.id,
        senderId: alice.id,
        text: 'original question',
        attachmentCount: 0,
        deleted: false,
      });
      expect(await store().getMessage(reply.message.id)).toEqual(reply.message);
      await remove(alice, first.message.id);
      expect((await store().getMessage(reply.message.id))?.replyTo).toMatchObject({
        deleted: true,
        text: '',
      });
      const [carol] = await createUsers(store(), 'carol');
      const elsewhere = await send(store(), carol, bob, 'other conversation');
      const badReply = store().sendMessage({
        senderId: bob.id,
        conversationId: first.message.conversationId,
        text: 'x',
        attachmentIds: [],
        mentionUsernames: [],
        clientMessageId: 'reply-2',
        createdAt: nextDate(),
        replyToId: elsewhere.message.id,
      });
      expect(await refusedFor(badReply)).toBe('not_found');
    });

    it('edits my own message within the window, with its event, and nobody else’s', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), alice, bob, 'typo');
      const result = await edit(alice, message.id, 'fixed');
      expect(result.changed).toBe(true);
      expect(result.message).toMatchObject({ text: 'fixed', editedAt: expect.any(Date) });
      expect(result.events).toEqual([
        expect.objectContaining({
          conversationId: message.conversationId,
          data: { type: 'message.edited', message: result.message },
        }),
      ]);
      expect(await refusedFor(edit(bob, message.id, 'not mine'))).toBe('not_sender');
      expect(
        await refusedFor(edit(alice, message.id, 'too late', new Date(Date.now() + 3600_000))),
      ).toBe('too_late');
      const [carol] = await createUsers(store(), 'carol');
      expect(await refusedFor(edit(carol, message.id, 'stranger'))).toBe('not_found');
      // History and the list show the edit.
      expect((await store().getMessage(message.id))?.text).toBe('fixed');
    });

    it('deletes for everyone: a tombstone without text, attachments, mentions or reactions', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const picture = await upload(store(), bob);
      const sent = await store().sendMessage({
        senderId: bob.id,
        conversationId: conversation.id,
        text: 'oops @carol',
        attachmentIds: [picture.id],
        mentionUsernames: ['carol'],
        clientMessageId: 'delete-me',
        createdAt: nextDate(),
      });
      await react(alice, sent.message.id, '👍');
      const before = (await store().getConversationSummary(carol.id, conversation.id))!;
      expect(before).toMatchObject({ unreadCount: 1, mentionCount: 1 });

      const deleted = await remove(bob, sent.message.id);
      expect(deleted.message).toMatchObject({
        text: '',
        attachments: [],
        attachmentIds: [],
        mentions: [],
        reactions: [],
        deletedAt: expect.any(Date),
      });
      expect(deleted.releasedAttachmentIds).toEqual([picture.id]);
      expect(await store().getAttachment(picture.id)).toBeNull();
      expect(await store().blobInUse(picture.id)).toBe(false);
      expect(deleted.events[0]?.data).toEqual({
        type: 'message.deleted',
        message: deleted.message,
      });
      const after = (await store().getConversationSummary(carol.id, conversation.id))!;
      expect(after).toMatchObject({ unreadCount: 0, mentionCount: 0 });
      expect(after.lastMessage?.deletedAt).toBeInstanceOf(Date);
      expect(await refusedFor(edit(bob, sent.message.id, 'revive'))).toBe('deleted');
      expect(await refusedFor(react(carol, sent.message.id, '😮'))).toBe('deleted');
      expect(await refusedFor(remove(bob, sent.message.id))).toBe('deleted');
    });

    it('lets a group’s admins delete anyone’s message, at any time, and members only their own in time', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      await changeGroup(store(), {
        type: 'setRole',
        conversationId: conversation.id,
        actorId: alice.id,
        userId: bob.id,
        role: 'admin',
        policy: { owner: ['admin', 'member'] },
      });
      const fromCarol = await post(store(), carol, conversation.id, 'from carol');
      const fromAlice = await post(store(), alice, conversation.id, 'from alice');
      const later = new Date(Date.now() + 3600_000);
      expect(await refusedFor(remove(carol, fromAlice.message.id))).toBe('not_sender');
      expect(await refusedFor(remove(carol, fromCarol.message.id, later))).toBe('too_late');
      expect((await remove(bob, fromCarol.message.id, later)).changed).toBe(true);
      // In a direct conversation nobody is an admin.
      const direct = await send(store(), alice, bob, 'direct');
      expect(await refusedFor(remove(bob, direct.message.id))).toBe('not_sender');
    });

    it('hides a message for me only, on all my devices, and keeps it for everyone else', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const first = await send(store(), alice, bob, 'keep');
      const second = await send(store(), alice, bob, 'hide me');
      const hidden = await act({ type: 'hide', messageId: second.message.id, actorId: bob.id });
      expect(hidden.events).toEqual([
        expect.objectContaining({
          userId: bob.id,
          conversationId: null,
          data: {
            type: 'message.hidden',
            conversationId: first.message.conversationId,
            messageId: second.message.id,
          },
        }),
      ]);
      const id = first.message.conversationId;
      const forBob = await store().listMessages({ conversationId: id, userId: bob.id, limit: 10 });
      expect(forBob.map((m) => m.text)).toEqual(['keep']);
      const forAlice = await store().listMessages({
        conversationId: id,
        userId: alice.id,
        limit: 10,
      });
      expect(forAlice.map((m) => m.text)).toEqual(['keep', 'hide me']);
      expect((await store().getConversationSummary(bob.id, id))?.lastMessage?.text).toBe('keep');
      expect(
        (await act({ type: 'hide', messageId: second.message.id, actorId: bob.id })).changed,
      ).toBe(false);
    });

    it('reacts with one reaction per person per emoji, toggled, up to a number of emoji', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob, carol]);
      const { message } = await post(store(), alice, conversation.id, 'react to me');
      await react(bob, message.id, '👍');
      const again = await react(bob, message.id, '👍');
      expect(again).toMatchObject({ changed: false, events: [] });
      await react(carol, message.id, '👍');
      const heart = await react(carol, message.id, '❤️');
      expect(heart.events[0]?.data).toEqual({
        type: 'reaction.added',
        conversationId: conversation.id,
        messageId: message.id,
        emoji: '❤️',
        userId: carol.id,
      });
      expect(heart.message.reactions).toEqual([
        { emoji: '👍', count: 2, userIds: [bob.id, carol.id] },
        { emoji: '❤️', count: 1, userIds: [carol.id] },
      ]);
      expect(await refusedFor(react(alice, message.id, '🎉', true, 2))).toBe('too_many_reactions');
      const off = await react(bob, message.id, '👍', false);
      expect(off.events[0]?.data.type).toBe('reaction.removed');
      expect(off.message.reactions[0]).toEqual({ emoji: '👍', count: 1, userIds: [carol.id] });
      const [dave] = await createUsers(store(), 'dave');
      expect(await refusedFor(react(dave, message.id, '👍'))).toBe('not_found');
    });

    it('pins and unpins, and lists the pinned messages I may see', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const { conversation } = await createGroup(store(), alice, [bob]);
      const early = await post(store(), alice, conversation.id, 'rules');
      await changeGroup(store(), {
        type: 'add',
        conversationId: conversation.id,
        actorId: alice.id,
        userIds: [carol.id],
        policy: MANAGERS,
      });
      const late = await post(store(), bob, conversation.id, 'agenda');
      const pin = (actor: User, messageId: string, on = true) =>
        act({ type: 'pin', messageId, actorId: actor.id, on });
      await pin(bob, early.message.id);
      const second = await pin(carol, late.message.id);
      expect(second.message.pinnedAt).toBeInstanceOf(Date);
      expect(second.events[0]?.data).toEqual({
        type: 'message.pinned',
        conversationId: conversation.id,
        messageId: late.message.id,
        userId: carol.id,
      });
      expect((await store().listPinned(conversation.id, alice.id)).map((m) => m.text)).toEqual([
        'agenda',
        'rules',
      ]);
      // Carol joined after "rules": she sees only what she may read.
      expect((await store().listPinned(conversation.id, carol.id)).map((m) => m.text)).toEqual([
        'agenda',
      ]);
      const off = await pin(alice, early.message.id, false);
      expect(off.events[0]?.data.type).toBe('message.unpinned');
      expect(off.message.pinnedAt).toBeNull();
    });

    it('forwards to conversations I am in, with the attachments shared, marked forwarded, idempotently', async () => {
      const [alice, bob, carol] = await createUsers(store(), 'alice', 'bob', 'carol');
      const picture = await upload(store(), alice);
      const source = await store().sendMessage({
        senderId: alice.id,
        recipientId: bob.id,
        text: 'look at this',
        attachmentIds: [picture.id],
        mentionUsernames: [],
        clientMessageId: 'source-1',
        createdAt: nextDate(),
      });
      const group = await createGroup(store(), bob, [carol]);
      const withCarol = await send(store(), bob, carol, 'hi');
      const input = {
        messageId: source.message.id,
        actorId: bob.id,
        conversationIds: [group.conversation.id, withCarol.message.conversationId],
        clientMessageIds: ['fwd-1-a', 'fwd-1-b'],
        createdAt: nextDate(),
      };
      const forwarded = await store().forwardMessage(input);
      expect(
        forwarded.map((r) => [r.created, r.message.forwarded, r.message.text, r.message.senderId]),
      ).toEqual([
        [true, true, 'look at this', bob.id],
        [true, true, 'look at this', bob.id],
      ]);
      const copy = forwarded[0]!.message.attachments[0]!;
      expect(copy.id).not.toBe(picture.id);
      expect(await store().getAttachment(copy.id)).toMatchObject({
        blobId: picture.id,
        ownerId: bob.id,
        messageId: forwarded[0]!.message.id,
      });
      const retry = await store().forwardMessage(input);
      expect(retry.map((r) => [r.created, r.message.id])).toEqual(
        forwarded.map((r) => [false, r.message.id]),
      );
      const [dave] = await createUsers(store(), 'dave');
      const elsewhere = await send(store(), alice, dave, 'not bob’s');
      expect(
        await refused(
          store().forwardMessage({
            ...input,
            conversationIds: [elsewhere.message.conversationId],
            clientMessageIds: ['fwd-2'],
          }),
        ),
      ).toBe('not_found');
      // Deleting the original keeps the files the copies use.
      await remove(alice, source.message.id);
      expect(await store().blobInUse(picture.id)).toBe(true);
      const stream = await everything(store(), carol);
      expect(
        stream.filter((e) => e.data.type === 'message.new' && e.data.message.forwarded),
      ).toHaveLength(2);
    });

    it('replays edits, deletions, reactions and pins in the stream, in order', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), alice, bob, 'v1');
      await edit(alice, message.id, 'v2');
      await react(bob, message.id, '😀');
      await act({ type: 'pin', messageId: message.id, actorId: bob.id, on: true });
      await remove(alice, message.id);
      const types = (await everything(store(), bob)).map((e) => e.data.type);
      expect(types).toEqual([
        'message.new',
        'message.edited',
        'reaction.added',
        'message.pinned',
        'message.deleted',
      ]);
    });

    it('replays an edit with the message as it is now: dates as dates, no earlier text', async () => {
      const [alice, bob] = await createUsers(store(), 'alice', 'bob');
      const { message } = await send(store(), alice, bob, 'first words');
      await edit(alice, message.id, 'second words');
      const edited = (await everything(store(), bob)).find((e) => e.data.type === 'message.edited');
      expect(edited?.data).toMatchObject({ message: { id: message.id, text: 'second words' } });
      const replayed = edited?.data.type === 'message.edited' ? edited.data.message : null;
      expect(replayed?.createdAt).toBeInstanceOf(Date);
      expect(replayed?.editedAt).toBeInstanceOf(Date);

      await remove(alice, message.id);
      for (const event of await everything(store(), bob)) {
        if (event.data.type === 'message.new' || event.data.type === 'message.edited') {
          expect(event.data.message).toMatchObject({ text: '', deletedAt: expect.any(Date) });
        }
      }
    });
  });
}
