import type { ChatEvent } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';

type Signed = Awaited<ReturnType<typeof signUp>>;
type Stream = ReturnType<typeof collectEvents>;
const cid = () => `ma_${crypto.randomUUID()}`;
const code = async (call: Promise<unknown>) => (await rejection(call)).data?.code;

/** The action events of a stream, as "type:messageText-or-emoji", in arrival order. */
function actionsOf(stream: Stream): string[] {
  const label = (data: ChatEvent) => {
    switch (data.type) {
      case 'message.new':
        return `new:${data.message.text}`;
      case 'message.edited':
        return `edited:${data.message.text}`;
      case 'message.deleted':
        return `deleted:${data.message.id.slice(-4)}`;
      case 'reaction.added':
      case 'reaction.removed':
        return `${data.type}:${data.emoji}`;
      case 'message.pinned':
      case 'message.unpinned':
        return data.type;
      case 'message.hidden':
        return 'hidden';
      default:
        return null;
    }
  };
  return stream.items.flatMap((i) => label(i.data) ?? []);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

async function group(owner: Signed, members: Signed[]) {
  return owner.http.groups.create.mutate({
    title: 'Actions',
    memberIds: members.map((m) => m.user.id),
  });
}

describe('message actions, live and replayed', () => {
  it('shows every action live to every member, and replays each exactly once after a drop', async () => {
    const [alice, bob, carol] = await Promise.all(
      ['ma_a', 'ma_b', 'ma_c'].map((n) => signUp(server, n)),
    );
    const g = await group(alice!, [bob!, carol!]);
    const tabs = [alice!, bob!, carol!].map((who) =>
      wsClient(server, who.token, { retryDelayMs: () => 20 }),
    );
    const streams = tabs.map((t) => collectEvents(t.client));
    await Promise.all(streams.map((s) => s.ready()));
    const resumeFrom = streams[2]!.items.at(-1)!.id;
    try {
      const question = await alice!.http.chat.send.mutate({
        conversationId: g.id,
        text: 'question',
        clientMessageId: cid(),
      });
      const answer = await bob!.http.chat.send.mutate({
        conversationId: g.id,
        text: 'answer',
        replyTo: question.id,
        clientMessageId: cid(),
      });
      expect(answer.replyTo).toMatchObject({
        messageId: question.id,
        text: 'question',
        deleted: false,
      });
      await alice!.http.chat.edit.mutate({ messageId: question.id, text: 'question, edited' });
      await carol!.http.chat.react.mutate({ messageId: answer.id, emoji: '👍', on: true });
      await alice!.http.chat.react.mutate({ messageId: answer.id, emoji: '👍', on: true });
      await carol!.http.chat.react.mutate({ messageId: answer.id, emoji: '👍', on: false });
      await bob!.http.chat.pin.mutate({ messageId: question.id, pinned: true });
      const oops = await alice!.http.chat.send.mutate({
        conversationId: g.id,
        text: 'oops',
        clientMessageId: cid(),
      });
      await alice!.http.chat.delete.mutate({ messageId: oops.id, forEveryone: true });
      await carol!.http.chat.delete.mutate({ messageId: answer.id, forEveryone: false });

      const shared = [
        'new:question',
        'new:answer',
        'edited:question, edited',
        'reaction.added:👍',
        'reaction.added:👍',
        'reaction.removed:👍',
        'message.pinned',
        'new:oops',
        `deleted:${oops.id.slice(-4)}`,
      ];
      await waitFor(
        () => streams.every((s) => actionsOf(s).length >= shared.length),
        5000,
        'every action live',
      );
      await waitFor(
        () => actionsOf(streams[2]!).includes('hidden'),
        5000,
        'the hide on carol’s stream',
      );
      expect(actionsOf(streams[0]!)).toEqual(shared);
      expect(actionsOf(streams[1]!)).toEqual(shared);
      expect(actionsOf(streams[2]!)).toEqual([...shared, 'hidden']);

      // A drop: carol resumes from before the actions and gets each one once.
      const again = collectEvents(tabs[2]!.client, resumeFrom);
      await again.ready();
      expect(actionsOf(again)).toEqual([
        // Replayed messages are as they are now: the question edited, "oops" a tombstone.
        'new:question, edited',
        'new:answer',
        'edited:question, edited',
        'reaction.added:👍',
        'reaction.added:👍',
        'reaction.removed:👍',
        'message.pinned',
        'new:',
        `deleted:${oops.id.slice(-4)}`,
        'hidden',
      ]);
      const page = await carol!.http.chat.history.query({ conversationId: g.id });
      expect(page.items.map((m) => m.text)).toEqual(['', 'question, edited', '']);
      expect(page.items.find((m) => m.id === question.id)).toMatchObject({
        editedAt: expect.any(Date),
        pinnedAt: expect.any(Date),
      });
      expect(
        (await alice!.http.chat.pinned.query({ conversationId: g.id })).map((m) => m.id),
      ).toEqual([question.id]);
      const bobsView = await bob!.http.chat.history.query({ conversationId: g.id });
      expect(bobsView.items.find((m) => m.id === answer.id)?.reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [alice!.user.id] },
      ]);
    } finally {
      for (const t of tabs) t.close();
    }
  });

  it('forwards to conversations I am in, marked forwarded, and nowhere else', async () => {
    const [alice, bob, carol] = await Promise.all(
      ['fw_a', 'fw_b', 'fw_c'].map((n) => signUp(server, n)),
    );
    const source = await alice!.http.chat.send.mutate({
      to: bob!.user.id,
      text: 'pass it on',
      clientMessageId: cid(),
    });
    const withCarol = await bob!.http.chat.send.mutate({
      to: carol!.user.id,
      text: 'hi',
      clientMessageId: cid(),
    });
    const input = {
      messageId: source.id,
      conversationIds: [withCarol.conversationId],
      clientMessageId: cid(),
    };
    const [copy] = await bob!.http.chat.forward.mutate(input);
    expect(copy).toMatchObject({ forwarded: true, text: 'pass it on', senderId: bob!.user.id });
    expect((await bob!.http.chat.forward.mutate(input)).map((m) => m.id)).toEqual([copy!.id]);
    const carolSees = await carol!.http.chat.history.query({
      conversationId: withCarol.conversationId,
    });
    expect(carolSees.items.at(-1)).toMatchObject({ id: copy!.id, forwarded: true });
    // Bob may not forward into a conversation he is not in.
    expect(
      await code(
        bob!.http.chat.forward.mutate({
          ...input,
          conversationIds: [source.conversationId, 'nope'],
          clientMessageId: cid(),
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('races end the same way for everyone', () => {
  it('edit against delete: the message ends deleted for everyone, the stream agrees', async () => {
    const [alice, bob] = await Promise.all(['race_a', 'race_b'].map((n) => signUp(server, n)));
    const tab = wsClient(server, bob!.token);
    const stream = collectEvents(tab.client);
    await stream.ready();
    try {
      for (let round = 0; round < 10; round++) {
        const m = await alice!.http.chat.send.mutate({
          to: bob!.user.id,
          text: `r${round}`,
          clientMessageId: cid(),
        });
        const outcomes = await Promise.allSettled([
          alice!.http.chat.edit.mutate({ messageId: m.id, text: `r${round} edited` }),
          alice!.http.chat.delete.mutate({ messageId: m.id, forEveryone: true }),
        ]);
        expect(outcomes[1]!.status).toBe('fulfilled');
        const final = (
          await bob!.http.chat.history.query({ conversationId: m.conversationId })
        ).items.find((x) => x.id === m.id);
        expect(final).toMatchObject({ text: '', deletedAt: expect.any(Date) });
        await waitFor(
          () => stream.of('message.deleted').some((e) => e.message.id === m.id),
          5000,
          'the deletion',
        );
        const order = stream.items
          .filter(
            (i) =>
              (i.data.type === 'message.edited' || i.data.type === 'message.deleted') &&
              i.data.message.id === m.id,
          )
          .map((i) => i.data.type);
        // Either the edit came first and was then deleted, or the edit was refused: never after.
        expect(order.at(-1)).toBe('message.deleted');
        if (outcomes[0]!.status === 'rejected') expect(order).toEqual(['message.deleted']);
      }
    } finally {
      tab.close();
    }
  });

  it('the same reaction twice at once counts once; different people’s add up', async () => {
    const [alice, bob, carol] = await Promise.all(
      ['rx_a', 'rx_b', 'rx_c'].map((n) => signUp(server, n)),
    );
    const g = await group(alice!, [bob!, carol!]);
    const m = await alice!.http.chat.send.mutate({
      conversationId: g.id,
      text: 'react',
      clientMessageId: cid(),
    });
    await Promise.all([
      bob!.http.chat.react.mutate({ messageId: m.id, emoji: '🔥', on: true }),
      bob!.http.chat.react.mutate({ messageId: m.id, emoji: '🔥', on: true }),
      carol!.http.chat.react.mutate({ messageId: m.id, emoji: '🔥', on: true }),
    ]);
    const [message] = (
      await alice!.http.chat.history.query({ conversationId: g.id, around: m.id, limit: 1 })
    ).items;
    expect(message?.reactions).toEqual([
      { emoji: '🔥', count: 2, userIds: expect.arrayContaining([bob!.user.id, carol!.user.id]) },
    ]);
  });

  it('a deletion during a forward: the forward happened whole before it, or not at all', async () => {
    const [alice, bob] = await Promise.all(['df_a', 'df_b'].map((n) => signUp(server, n)));
    const g = await group(alice!, [bob!]);
    for (let round = 0; round < 5; round++) {
      const m = await alice!.http.chat.send.mutate({
        to: bob!.user.id,
        text: `df${round}`,
        clientMessageId: cid(),
      });
      const [forward] = await Promise.allSettled([
        bob!.http.chat.forward.mutate({
          messageId: m.id,
          conversationIds: [g.id],
          clientMessageId: cid(),
        }),
        alice!.http.chat.delete.mutate({ messageId: m.id, forEveryone: true }),
      ]);
      const copies = (
        await alice!.http.chat.history.query({ conversationId: g.id, limit: 100 })
      ).items.filter((x) => x.text === `df${round}`);
      if (forward!.status === 'fulfilled') expect(copies).toHaveLength(1);
      else {
        expect(copies).toEqual([]);
        expect((forward!.reason as { data?: { code?: string } }).data?.code).toBe('CONFLICT');
      }
    }
  });
});

describe('bad input and rules', () => {
  it('refuses with typed, readable errors', async () => {
    const [alice, bob] = await Promise.all(['bad_ma_a', 'bad_ma_b'].map((n) => signUp(server, n)));
    const m = await alice!.http.chat.send.mutate({
      to: bob!.user.id,
      text: 'x',
      clientMessageId: cid(),
    });
    const g = await group(alice!, [bob!]);
    const [created] = (await alice!.http.chat.history.query({ conversationId: g.id })).items;
    const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
      [
        () => alice!.http.chat.react.mutate({ messageId: m.id, emoji: 'abc', on: true }),
        'BAD_REQUEST',
        /one emoji/,
      ],
      [
        () => alice!.http.chat.react.mutate({ messageId: m.id, emoji: '👍👍', on: true }),
        'BAD_REQUEST',
        /one emoji/,
      ],
      [
        () => alice!.http.chat.edit.mutate({ messageId: m.id, text: '   ' }),
        'BAD_REQUEST',
        /delete it instead/,
      ],
      [
        () => bob!.http.chat.edit.mutate({ messageId: m.id, text: 'mine now' }),
        'FORBIDDEN',
        /Only its sender/,
      ],
      [
        () => bob!.http.chat.delete.mutate({ messageId: m.id, forEveryone: true }),
        'FORBIDDEN',
        /its sender, or an admin/,
      ],
      [
        () => alice!.http.chat.edit.mutate({ messageId: created!.id, text: 'rewrite history' }),
        'BAD_REQUEST',
        /change of the group/,
      ],
      [
        () => alice!.http.chat.edit.mutate({ messageId: 'no-such-message', text: 'x' }),
        'NOT_FOUND',
        /does not exist/,
      ],
      [
        () =>
          alice!.http.chat.forward.mutate({
            messageId: m.id,
            conversationIds: ['a', 'b', 'c', 'd', 'e', 'f'],
            clientMessageId: cid(),
          }),
        'BAD_REQUEST',
        /at most 5/,
      ],
      [
        () =>
          alice!.http.chat.send.mutate({
            conversationId: g.id,
            text: 'x',
            replyTo: m.id,
            clientMessageId: cid(),
          }),
        'BAD_REQUEST',
        /reply to/,
      ],
    ];
    for (const [call, want, message] of cases) {
      const error = await rejection(call());
      expect([error.data?.code, error.message]).toEqual([want, expect.stringMatching(message)]);
    }
  });

  it('closes the edit window after MESSAGE_EDIT_WINDOW_HOURS, and tells clients', async () => {
    const strict = await startTestServer({ env: { MESSAGE_EDIT_WINDOW_HOURS: '0' } });
    try {
      const [alice, bob] = await Promise.all(['win_a', 'win_b'].map((n) => signUp(strict, n)));
      const m = await alice!.http.chat.send.mutate({
        to: bob!.user.id,
        text: 'x',
        clientMessageId: cid(),
      });
      await new Promise((r) => setTimeout(r, 10));
      const error = await rejection(
        alice!.http.chat.edit.mutate({ messageId: m.id, text: 'late' }),
      );
      expect([error.data?.code, error.message]).toEqual([
        'FORBIDDEN',
        'Messages cannot be edited once sent on this server.',
      ]);
      // Clients learn the window with the user, and offer no Edit.
      expect((await alice!.http.auth.me.query()).editWindowMs).toBe(0);
      // Deleting for me has no window.
      expect(
        await alice!.http.chat.delete.mutate({ messageId: m.id, forEveryone: false }),
      ).toMatchObject({ id: m.id });
    } finally {
      await strict.destroy();
    }
  });
});
