import { othersReached } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wholeHistory,
  wsClient,
  type TestServer,
} from './harness.ts';

const MAX_MEMBERS = 5;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { GROUP_MAX_MEMBERS: String(MAX_MEMBERS) } });
});
afterAll(() => server.destroy());

type Signed = Awaited<ReturnType<typeof signUp>>;
const cid = () => `g_${crypto.randomUUID()}`;
const people = <const Names extends readonly string[]>(...names: Names) =>
  Promise.all(names.map((n) => signUp(server, n))) as Promise<{ [K in keyof Names]: Signed }>;
const code = async (call: Promise<unknown>) => (await rejection(call)).data?.code;

/** A live tab of `who`, collecting its events. */
async function tab(who: Signed) {
  const ws = wsClient(server, who.token, { retryDelayMs: () => 20 });
  const events = collectEvents(ws.client);
  await events.ready();
  return { ws, events, close: () => ws.close() };
}

const textsIn = (events: ReturnType<typeof collectEvents>, conversationId: string) =>
  events
    .of('message.new')
    .filter((e) => e.message.conversationId === conversationId)
    .map((e) => e.message.text || `(${e.message.system?.action})`);

describe('membership is history', () => {
  it('gives a member added during traffic the messages from their joining on, never before', async () => {
    const [alice, bob, carol] = await people('add_a', 'add_b', 'add_c');
    const group = await alice.http.groups.create.mutate({
      title: 'Adds',
      memberIds: [bob.user.id],
    });
    const carolTab = await tab(carol);
    try {
      const sending = (async () => {
        for (let i = 0; i < 60; i++)
          await bob.http.chat.send.mutate({
            conversationId: group.id,
            text: `m${i}`,
            clientMessageId: cid(),
          });
      })();
      await new Promise((r) => setTimeout(r, 30));
      await alice.http.groups.addMembers.mutate({
        conversationId: group.id,
        userIds: [carol.user.id],
      });
      await sending;
      await waitFor(
        () => textsIn(carolTab.events, group.id).includes('m59'),
        10_000,
        'carol to hear m59',
      );
      const heard = textsIn(carolTab.events, group.id);
      expect(heard[0]).toBe('(added)');
      const history = (await wholeHistory(carol.http, group.id)).map(
        (m) => m.text || `(${m.system?.action})`,
      );
      // What she heard live is exactly her history: from the message that added her, on.
      expect(heard).toEqual(history);
      expect(history.length).toBeLessThan(62);
      const first = Number(history[1]?.slice(1));
      expect(history.slice(1)).toEqual(
        Array.from({ length: 60 - first }, (_, i) => `m${first + i}`),
      );
      const [summary] = (await carol.http.chat.conversations.query({})).items;
      expect(summary).toMatchObject({
        id: group.id,
        kind: 'group',
        title: 'Adds',
        myRole: 'member',
        memberCount: 3,
      });
    } finally {
      carolTab.close();
    }
  });

  it('stops a member removed during traffic at the removal — messages and typing — and keeps what they had readable', async () => {
    const [alice, bob, carol] = await people('rm_a', 'rm_b', 'rm_c');
    const group = await alice.http.groups.create.mutate({
      title: 'Removals',
      memberIds: [bob.user.id, carol.user.id],
    });
    const carolTab = await tab(carol);
    try {
      const sending = (async () => {
        for (let i = 0; i < 60; i++)
          await bob.http.chat.send.mutate({
            conversationId: group.id,
            text: `m${i}`,
            clientMessageId: cid(),
          });
      })();
      await new Promise((r) => setTimeout(r, 30));
      await alice.http.groups.removeMember.mutate({
        conversationId: group.id,
        userId: carol.user.id,
      });
      await bob.http.chat.typing.mutate({ conversationId: group.id, isTyping: true });
      await sending;
      await new Promise((r) => setTimeout(r, 300));
      const heard = textsIn(carolTab.events, group.id);
      expect(heard.at(-1)).toBe('(removed)');
      expect(carolTab.events.of('typing')).toEqual([]);
      const history = (await wholeHistory(carol.http, group.id)).map(
        (m) => m.text || `(${m.system?.action})`,
      );
      // Her tab opened after the group was created: she heard the rest, up to the removal.
      expect(history).toEqual(['(created)', ...heard]);
      // Read-only from now on: no sending, no receipts, no member list, no typing.
      const last = (await wholeHistory(carol.http, group.id)).at(-1)!;
      expect(
        await code(
          carol.http.chat.send.mutate({
            conversationId: group.id,
            text: 'x',
            clientMessageId: cid(),
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        await code(carol.http.chat.markRead.mutate({ conversationId: group.id, upTo: last.id })),
      ).toBe('FORBIDDEN');
      expect(await code(carol.http.groups.members.query({ conversationId: group.id }))).toBe(
        'FORBIDDEN',
      );
      expect(
        await code(carol.http.chat.typing.mutate({ conversationId: group.id, isTyping: true })),
      ).toBe('FORBIDDEN');
      const newer = await bob.http.chat.send.mutate({
        conversationId: group.id,
        text: 'later',
        clientMessageId: cid(),
      });
      expect(
        await code(carol.http.chat.history.query({ conversationId: group.id, around: newer.id })),
      ).toBe('BAD_REQUEST');
      expect(
        (await carol.http.chat.conversation.query({ conversationId: group.id })).myRole,
      ).toBeNull();
    } finally {
      carolTab.close();
    }
  });

  it('hands ownership over when the owner leaves, and closes the group when the last member does', async () => {
    const [alice, bob, carol] = await people('own_a', 'own_b', 'own_c');
    const group = await alice.http.groups.create.mutate({
      title: 'Owners',
      memberIds: [bob.user.id, carol.user.id],
    });
    await alice.http.groups.setRole.mutate({
      conversationId: group.id,
      userId: carol.user.id,
      role: 'admin',
    });
    const left = await alice.http.groups.leave.mutate({ conversationId: group.id });
    expect(left).toMatchObject({ myRole: null, memberCount: 2 });
    const members = await bob.http.groups.members.query({ conversationId: group.id });
    expect(members.items.map((m) => [m.user.id, m.role])).toEqual([
      [carol.user.id, 'owner'],
      [bob.user.id, 'member'],
    ]);
    const lines = (await wholeHistory(bob.http, group.id)).map((m) => m.system);
    expect(lines.at(-1)).toEqual({
      action: 'left',
      actorId: alice.user.id,
      newOwnerId: carol.user.id,
    });
    await bob.http.groups.leave.mutate({ conversationId: group.id });
    const last = await carol.http.groups.leave.mutate({ conversationId: group.id });
    expect(last).toMatchObject({ closed: true, memberCount: 0 });
    expect(
      await code(
        alice.http.groups.addMembers.mutate({ conversationId: group.id, userIds: [bob.user.id] }),
      ),
    ).toBe('FORBIDDEN');
  });

  it(`refuses more than GROUP_MAX_MEMBERS (${MAX_MEMBERS}) members, with a readable error`, async () => {
    const [owner, ...others] = await people('cap_o', 'cap_1', 'cap_2', 'cap_3', 'cap_4', 'cap_5');
    const tooMany = await rejection(
      owner.http.groups.create.mutate({
        title: 'Too many',
        memberIds: others.map((o) => o.user.id),
      }),
    );
    expect(tooMany.data?.code).toBe('CONFLICT');
    expect(tooMany.message).toBe(`A group can have at most ${MAX_MEMBERS} members.`);
    const group = await owner.http.groups.create.mutate({
      title: 'Capped',
      memberIds: others.slice(0, 3).map((o) => o.user.id),
    });
    expect(
      (
        await owner.http.groups.addMembers.mutate({
          conversationId: group.id,
          userIds: [others[3]!.user.id],
        })
      ).memberCount,
    ).toBe(5);
    expect(
      await code(
        owner.http.groups.addMembers.mutate({
          conversationId: group.id,
          userIds: [others[4]!.user.id],
        }),
      ),
    ).toBe('CONFLICT');
  });

  it('lets anyone find, join and leave a public group; a private one is never found nor joined', async () => {
    const [alice, bob] = await people('pub_a', 'pub_b');
    const title = `Hikers ${Date.now()}`;
    const open = await alice.http.groups.create.mutate({ title, memberIds: [], isPublic: true });
    await alice.http.chat.send.mutate({
      conversationId: open.id,
      text: 'welcome, all',
      clientMessageId: cid(),
    });
    const secret = await alice.http.groups.create.mutate({
      title: `${title} secret`,
      memberIds: [],
    });
    const found = await bob.http.groups.browse.query({ q: 'hikers' });
    expect(found.items.map((g) => [g.id, g.isMember])).toContainEqual([open.id, false]);
    expect(found.items.map((g) => g.id)).not.toContain(secret.id);
    const bobTab = await tab(bob);
    try {
      const joined = await bob.http.groups.join.mutate({ conversationId: open.id });
      expect(joined).toMatchObject({ myRole: 'member', memberCount: 2 });
      // The channel's history is open to whoever joins.
      expect((await wholeHistory(bob.http, open.id)).map((m) => m.text)).toContain('welcome, all');
      await alice.http.chat.send.mutate({
        conversationId: open.id,
        text: 'hi bob',
        clientMessageId: cid(),
      });
      await waitFor(
        () => textsIn(bobTab.events, open.id).includes('hi bob'),
        5000,
        'bob to hear the channel',
      );
      expect(textsIn(bobTab.events, open.id)).toEqual(['(joined)', 'hi bob']);
      await bob.http.groups.leave.mutate({ conversationId: open.id });
      expect(await code(bob.http.groups.join.mutate({ conversationId: secret.id }))).toBe(
        'NOT_FOUND',
      );
    } finally {
      bobTab.close();
    }
  });
});

describe('receipts, typing, presence and mentions in a group', () => {
  it('turns the ticks when the last member reads, and tells the sender who got it when', async () => {
    const [alice, bob, carol] = await people('rc_a', 'rc_b', 'rc_c');
    const group = await alice.http.groups.create.mutate({
      title: 'Ticks',
      memberIds: [bob.user.id, carol.user.id],
    });
    const aliceTab = await tab(alice);
    try {
      const sent = await alice.http.chat.send.mutate({
        conversationId: group.id,
        text: 'read me',
        clientMessageId: cid(),
      });
      const upTo = { conversationId: group.id, upTo: sent.id };
      await bob.http.chat.markRead.mutate(upTo);
      await carol.http.chat.ackDelivered.mutate(upTo);
      const marks = () => aliceTab.events.of('receipts').at(-1)?.marks;
      await waitFor(
        () => marks() && othersReached(marks()!.delivered, alice.user.id) >= sent.seq,
        5000,
        'delivered to all',
      );
      expect(othersReached(marks()!.read, alice.user.id)).toBeLessThan(sent.seq);
      await carol.http.chat.markRead.mutate(upTo);
      await waitFor(
        () => othersReached(marks()!.read, alice.user.id) >= sent.seq,
        5000,
        'read by all',
      );
      const info = await alice.http.chat.messageInfo.query({ messageId: sent.id });
      expect(info.members.map((m) => m.user.id).sort()).toEqual(
        [bob.user.id, carol.user.id].sort(),
      );
      for (const m of info.members) {
        expect(m.readAt).toBeInstanceOf(Date);
        expect(m.deliveredAt!.getTime()).toBeLessThanOrEqual(m.readAt!.getTime());
      }
      expect(await code(bob.http.chat.messageInfo.query({ messageId: sent.id }))).toBe('FORBIDDEN');
    } finally {
      aliceTab.close();
    }
  });

  it('sends typing to the other members, and counts who is online', async () => {
    const [alice, bob, carol, dave] = await people('ty_a', 'ty_b', 'ty_c', 'ty_d');
    const group = await alice.http.groups.create.mutate({
      title: 'Typing',
      memberIds: [bob.user.id, carol.user.id],
    });
    const tabs = await Promise.all([alice, bob, dave].map(tab));
    try {
      await carol.http.chat.typing.mutate({ conversationId: group.id, isTyping: true });
      for (const t of tabs.slice(0, 2))
        expect(await waitFor(() => t.events.of('typing')[0], 5000, 'typing')).toMatchObject({
          conversationId: group.id,
          userId: carol.user.id,
          isTyping: true,
        });
      expect(tabs[2]!.events.of('typing')).toEqual([]);
      const members = await carol.http.groups.members.query({ conversationId: group.id });
      expect(members.onlineCount).toBe(2);
      expect(members.items.find((m) => m.user.id === alice.user.id)?.user.online).toBe(true);
      expect(members.items.find((m) => m.user.id === carol.user.id)?.user.online).toBe(false);
    } finally {
      for (const t of tabs) t.close();
    }
  });

  it('records @mentions of members and counts them per member until read', async () => {
    const [alice, bob, carol] = await people('mn_a', 'mn_b', 'mn_c');
    const group = await alice.http.groups.create.mutate({
      title: 'Mentions',
      memberIds: [bob.user.id],
    });
    const sent = await alice.http.chat.send.mutate({
      conversationId: group.id,
      text: `hey @${bob.username} and @${carol.username}`,
      clientMessageId: cid(),
    });
    expect(sent.mentions).toEqual([bob.user.id]);
    const view = await bob.http.chat.conversation.query({ conversationId: group.id });
    expect(view).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    await bob.http.chat.markRead.mutate({ conversationId: group.id, upTo: sent.id });
    expect(await bob.http.chat.conversation.query({ conversationId: group.id })).toMatchObject({
      unreadCount: 0,
      mentionCount: 0,
    });
  });

  it('tells the people I share a group with when my profile changes', async () => {
    const [alice, bob] = await people('pf_a', 'pf_b');
    await alice.http.groups.create.mutate({ title: 'Profiles', memberIds: [bob.user.id] });
    const bobTab = await tab(bob);
    try {
      await alice.http.users.updateProfile.mutate({ displayName: 'Alice Renamed' });
      const update = await waitFor(
        () => bobTab.events.of('user.updated')[0],
        5000,
        'the profile event',
      );
      expect(update.user).toMatchObject({ id: alice.user.id, displayName: 'Alice Renamed' });
      expect(update.user).not.toHaveProperty('email');
    } finally {
      bobTab.close();
    }
  });
});

describe('bad group input', () => {
  it('is refused with readable, typed errors', async () => {
    const [alice, bob] = await people('bad_a', 'bad_b');
    const group = await alice.http.groups.create.mutate({ title: 'Bad', memberIds: [bob.user.id] });
    const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
      [
        () => alice.http.groups.create.mutate({ title: '   ', memberIds: [] }),
        'BAD_REQUEST',
        /needs a title/,
      ],
      [
        () => alice.http.groups.create.mutate({ title: 'x'.repeat(81), memberIds: [] }),
        'BAD_REQUEST',
        /at most 80/,
      ],
      [
        () =>
          alice.http.groups.create.mutate({ title: 'dup', memberIds: [bob.user.id, bob.user.id] }),
        'BAD_REQUEST',
        /twice/,
      ],
      [
        () => alice.http.groups.create.mutate({ title: 'ghost', memberIds: ['no-such-user'] }),
        'NOT_FOUND',
        /does not exist/,
      ],
      [
        () => alice.http.groups.update.mutate({ conversationId: group.id }),
        'BAD_REQUEST',
        /Nothing to update/,
      ],
      [
        () =>
          alice.http.groups.removeMember.mutate({
            conversationId: group.id,
            userId: alice.user.id,
          }),
        'BAD_REQUEST',
        /use leave/,
      ],
      [
        () =>
          alice.http.groups.setRole.mutate({
            conversationId: group.id,
            userId: alice.user.id,
            role: 'admin',
          }),
        'BAD_REQUEST',
        /own role/,
      ],
      [
        () => alice.http.groups.removeMember.mutate({ conversationId: group.id, userId: 'nobody' }),
        'NOT_FOUND',
        /not a member/,
      ],
      [
        () =>
          alice.http.groups.update.mutate({ conversationId: group.id, avatarId: 'not-an-upload' }),
        'NOT_FOUND',
        /upload it first/,
      ],
    ];
    for (const [call, want, message] of cases) {
      const error = await rejection(call());
      expect(error.data?.code).toBe(want);
      expect(error.message).toMatch(message);
    }
  });
});
