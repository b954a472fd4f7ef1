import { othersReached } from '@parley/api';
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
import { fixtures, upload } from './images.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { ADMIN_USERNAMES: 'safety_admin,safety_boss' } });
});
afterAll(() => server.destroy());

type Signed = Awaited<ReturnType<typeof signUp>>;
const cid = () => `sf_${crypto.randomUUID()}`;
const code = async (call: Promise<unknown>) => (await rejection(call)).data?.code;

async function tab(who: Signed) {
  const ws = wsClient(server, who.token);
  const events = collectEvents(ws.client);
  await events.ready();
  return { events, close: () => ws.close() };
}

async function pair(prefix: string) {
  const [alice, bob] = await Promise.all([
    signUp(server, `${prefix}_a`),
    signUp(server, `${prefix}_b`),
  ]);
  const first = await alice!.http.chat.send.mutate({
    to: bob!.user.id,
    text: 'hi',
    clientMessageId: cid(),
  });
  return { alice: alice!, bob: bob!, conversationId: first.conversationId };
}

describe('blocking', () => {
  it('withholds the blocked person’s messages: sent for them, never delivered, invisible to me', async () => {
    const { alice, bob, conversationId } = await pair('blk1');
    await bob.http.users.block.mutate({ userId: alice.user.id });
    const bobTab = await tab(bob);
    try {
      const sent = await alice.http.chat.send.mutate({
        conversationId,
        text: 'are you there?',
        clientMessageId: cid(),
      });
      expect(sent).toMatchObject({ text: 'are you there?', seq: 2 });
      await new Promise((r) => setTimeout(r, 300));
      expect(bobTab.events.of('message.new')).toEqual([]);
      const bobsHistory = await bob.http.chat.history.query({ conversationId });
      expect(bobsHistory.items.map((m) => m.text)).toEqual(['hi']);
      expect((await bob.http.chat.conversation.query({ conversationId })).unreadCount).toBe(1);
      // Alice sees her message sent and not delivered, as for someone offline.
      const alicesView = await alice.http.chat.conversation.query({ conversationId });
      expect(othersReached(alicesView.receipts.delivered, alice.user.id)).toBeLessThan(sent.seq);
      // A new conversation from a blocked person does not appear at all.
      const [carol] = await Promise.all([signUp(server, 'blk1_c')]);
      await bob.http.users.block.mutate({ userId: carol!.user.id });
      await carol!.http.chat.send.mutate({
        to: bob.user.id,
        text: 'hello stranger',
        clientMessageId: cid(),
      });
      const list = await bob.http.chat.conversations.query({});
      expect(list.items.map((c) => c.peer?.id)).not.toContain(carol!.user.id);
      // I must unblock to write to them.
      const refused = await rejection(
        bob.http.chat.send.mutate({ conversationId, text: 'x', clientMessageId: cid() }),
      );
      expect([refused.data?.code, refused.message]).toEqual([
        'FORBIDDEN',
        expect.stringMatching(/unblock/),
      ]);
      await bob.http.users.unblock.mutate({ userId: alice.user.id });
      const after = await alice.http.chat.send.mutate({
        conversationId,
        text: 'back',
        clientMessageId: cid(),
      });
      await waitFor(
        () => bobTab.events.of('message.new').some((e) => e.message.id === after.id),
        5000,
        'messages again',
      );
    } finally {
      bobTab.close();
    }
  });

  it('hides my presence, last seen and picture from whom I blocked, and keeps their typing and group adds from me', async () => {
    const { alice, bob, conversationId } = await pair('blk2');
    const picture = await upload(server, bob.token(), await fixtures.jpegWithGps(64, 64));
    await bob.http.users.updateProfile.mutate({ avatarId: picture.body.id as string });
    await bob.http.users.block.mutate({ userId: alice.user.id });
    const aliceTab = await tab(alice);
    const bobTab = await tab(bob);
    try {
      // Bob is online, but Alice, whom he blocked, sees nothing of it.
      const seen = (await alice.http.users.get.query({ ids: [bob.user.id] }))[0]!;
      expect(seen).toMatchObject({ online: false, lastSeenAt: null, avatarId: null });
      const [carol] = await Promise.all([signUp(server, 'blk2_c')]);
      expect((await carol!.http.users.get.query({ ids: [bob.user.id] }))[0]!.avatarId).toBe(
        picture.body.id,
      );
      const bobSeesAlice = (await bob.http.users.get.query({ ids: [alice.user.id] }))[0]!;
      expect(bobSeesAlice.online).toBe(true);
      expect(aliceTab.events.of('presence.snapshot')[0]?.online).not.toContain(bob.user.id);
      const late = wsClient(server, bob.token);
      await late.client.auth.me.query();
      late.close();
      // Her typing does not reach him; his groups cannot take her... and hers cannot take him.
      await alice.http.chat.typing.mutate({ conversationId, isTyping: true });
      await new Promise((r) => setTimeout(r, 300));
      expect(bobTab.events.of('typing')).toEqual([]);
      expect(aliceTab.events.of('presence').filter((p) => p.userId === bob.user.id)).toEqual([]);
      const group = await rejection(
        alice.http.groups.create.mutate({ title: 'Trap', memberIds: [bob.user.id] }),
      );
      expect([group.data?.code, group.message]).toEqual([
        'FORBIDDEN',
        'You cannot add some of these people to a group.',
      ]);
      const own = await alice.http.groups.create.mutate({ title: 'Mine', memberIds: [] });
      expect(
        await code(
          alice.http.groups.addMembers.mutate({ conversationId: own.id, userIds: [bob.user.id] }),
        ),
      ).toBe('FORBIDDEN');
      // Bob's profile changes do not reach her.
      await bob.http.users.updateProfile.mutate({ displayName: 'Bob Renamed' });
      await new Promise((r) => setTimeout(r, 300));
      expect(aliceTab.events.of('user.updated')).toEqual([]);
      expect((await bob.http.users.blocked.query()).map((b) => b.user.id)).toEqual([alice.user.id]);
      expect(await code(bob.http.users.block.mutate({ userId: bob.user.id }))).toBe('BAD_REQUEST');
    } finally {
      aliceTab.close();
      bobTab.close();
    }
  });
  it('takes my presence and picture from a live session of whom I block at once, and gives them back on unblock', async () => {
    const { alice, bob } = await pair('blk3');
    const picture = await upload(server, bob.token(), await fixtures.jpegWithGps(64, 64));
    await bob.http.users.updateProfile.mutate({ avatarId: picture.body.id as string });
    const bobTab = await tab(bob);
    const aliceTab = await tab(alice);
    try {
      const bobAsSeen = () =>
        aliceTab.events.of('presence').filter((p) => p.userId === bob.user.id);
      const bobsPicture = () =>
        aliceTab.events.of('user.updated').filter((u) => u.user.id === bob.user.id);
      await bob.http.users.block.mutate({ userId: alice.user.id });
      await waitFor(() => bobAsSeen().length === 1, 5000, 'Bob shown offline to Alice');
      expect(bobAsSeen()[0]).toMatchObject({ online: false, lastSeenAt: null });
      await waitFor(() => bobsPicture().length === 1, 5000, 'Bob shown without his picture');
      expect(bobsPicture()[0]!.user.avatarId).toBeNull();
      // Nobody else hears of it.
      expect(bobTab.events.of('presence').filter((p) => p.userId === bob.user.id)).toEqual([]);

      await bob.http.users.unblock.mutate({ userId: alice.user.id });
      await waitFor(() => bobAsSeen().length === 2, 5000, 'Bob shown online again');
      expect(bobAsSeen()[1]).toMatchObject({ online: true });
      await waitFor(() => bobsPicture().length === 2, 5000, 'Bob shown with his picture again');
      expect(bobsPicture()[1]!.user.avatarId).toBe(picture.body.id);
    } finally {
      aliceTab.close();
      bobTab.close();
    }
  });
});

describe('privacy settings', () => {
  it('hides last seen as chosen, symmetrically', async () => {
    const { alice, bob } = await pair('prv1');
    const [stranger] = await Promise.all([signUp(server, 'prv1_s')]);
    const bobTab = await tab(bob);
    try {
      await bob.http.users.updateSettings.mutate({ lastSeen: 'contacts' });
      const viaContact = (await alice.http.users.get.query({ ids: [bob.user.id] }))[0]!;
      const viaStranger = (await stranger!.http.users.get.query({ ids: [bob.user.id] }))[0]!;
      expect(viaContact.online).toBe(true);
      expect(viaStranger).toMatchObject({ online: false, lastSeenAt: null });
      await bob.http.users.updateSettings.mutate({ lastSeen: 'nobody' });
      expect((await alice.http.users.get.query({ ids: [bob.user.id] }))[0]!.online).toBe(false);
      // Symmetric: Bob, who shows nobody his presence, sees nobody's.
      const aliceTab = await tab(alice);
      expect((await bob.http.users.get.query({ ids: [alice.user.id] }))[0]!.online).toBe(false);
      aliceTab.close();
      expect(await bob.http.users.settings.query()).toEqual({
        lastSeen: 'nobody',
        readReceipts: true,
        notificationPreviews: true,
      });
      expect(bobTab.events.of('settings.changed').map((e) => e.settings.lastSeen)).toEqual([
        'contacts',
        'nobody',
      ]);
    } finally {
      bobTab.close();
    }
  });

  it('turns read receipts off both ways in direct conversations', async () => {
    const { alice, bob, conversationId } = await pair('prv2');
    const m = await alice.http.chat.send.mutate({
      conversationId,
      text: 'read?',
      clientMessageId: cid(),
    });
    await bob.http.chat.markRead.mutate({ conversationId, upTo: m.id });
    const before = await alice.http.chat.conversation.query({ conversationId });
    expect(othersReached(before.receipts.read, alice.user.id)).toBe(m.seq);
    await bob.http.users.updateSettings.mutate({ readReceipts: false });
    for (const who of [alice, bob]) {
      const view = await who.http.chat.conversation.query({ conversationId });
      expect(view.receipts.read).toEqual({ lowest: 0, lowestUserId: null, nextLowest: 0 });
    }
    expect(await code(bob.http.users.updateSettings.mutate({}))).toBe('BAD_REQUEST');
  });
});

describe('reports', () => {
  it('tells the signed-in person whether they are an administrator', async () => {
    const [admin, member] = await Promise.all([
      signUp(server, 'safety_boss', { exact: true }),
      signUp(server, 'rep_member'),
    ]);
    expect(await admin!.http.auth.me.query()).toMatchObject({ id: admin!.user.id, isAdmin: true });
    expect(await member!.http.auth.me.query()).toMatchObject({
      id: member!.user.id,
      isAdmin: false,
    });
  });

  it('lets a member report a message or a person, and only admins list and resolve them', async () => {
    const { alice, bob, conversationId } = await pair('rep');
    const [admin] = await Promise.all([signUp(server, 'safety_admin', { exact: true })]);
    const rude = await bob.http.chat.send.mutate({
      conversationId,
      text: 'rude words',
      clientMessageId: cid(),
    });
    const report = await alice.http.users.report.mutate({
      messageId: rude.id,
      reason: 'abuse',
      details: 'please look',
    });
    await alice.http.users.report.mutate({ userId: bob.user.id, reason: 'spam' });
    expect(await code(alice.http.admin.reports.query({}))).toBe('FORBIDDEN');
    const list = await admin!.http.admin.reports.query({ status: 'open' });
    const found = list.items.find((r) => r.id === report.id)!;
    expect(found).toMatchObject({
      reporterId: alice.user.id,
      userId: bob.user.id,
      reason: 'abuse',
      details: 'please look',
    });
    expect(found.context.map((c) => c.text)).toEqual(['hi', 'rude words']);
    // What the admins need to judge it: who reported whom, and where it was said.
    expect(found).toMatchObject({
      reporter: {
        id: alice.user.id,
        username: alice.username,
        displayName: alice.user.displayName,
      },
      reported: { id: bob.user.id, username: bob.username, displayName: bob.user.displayName },
      conversation: { id: conversationId, kind: 'direct', title: null },
    });
    expect(found.context.map((c) => c.senderName)).toEqual([
      alice.user.displayName,
      bob.user.displayName,
    ]);
    const aboutBob = list.items.find((r) => r.messageId === null && r.reporterId === alice.user.id);
    expect(aboutBob).toMatchObject({ reason: 'spam', conversation: null, context: [] });
    const resolved = await admin!.http.admin.resolveReport.mutate({
      reportId: report.id,
      resolution: 'warned',
    });
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: admin!.user.id });
    const done = await admin!.http.admin.reports.query({ status: 'resolved' });
    expect(done.items.find((r) => r.id === report.id)).toMatchObject({
      resolution: 'warned',
      resolver: { id: admin!.user.id, username: 'safety_admin' },
    });
    expect(found.resolver).toBeNull();
    expect(
      await code(
        admin!.http.admin.resolveReport.mutate({ reportId: report.id, resolution: 'again' }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await code(
        alice.http.admin.resolveReport.mutate({ reportId: report.id, resolution: 'me too' }),
      ),
    ).toBe('FORBIDDEN');
    const [eve] = await Promise.all([signUp(server, 'rep_eve')]);
    expect(await code(eve!.http.users.report.mutate({ messageId: rude.id, reason: 'spam' }))).toBe(
      'NOT_FOUND',
    );
    expect(await code(alice.http.users.report.mutate({ reason: 'spam' }))).toBe('BAD_REQUEST');
  });
});
