/**
 * Web Push, end to end on the loopback interface: the real server pushes to a push service
 * (test/push-endpoint.ts) that decrypts every payload as a browser would and checks the VAPID
 * token. Who gets a push: members with no live socket, not muting the conversation, on devices
 * whose session is still going; a 410 removes the subscription; a slow push service never holds
 * up a send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  httpClient,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';
import { startPushService } from './push-endpoint.ts';

type Signed = Awaited<ReturnType<typeof signUp>>;
const cid = () => `push_${crypto.randomUUID()}`;
/** Long enough for a push the server wrongly made to have arrived. */
const GRACE_MS = 400;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let pushService: Awaited<ReturnType<typeof startPushService>>;

beforeAll(async () => {
  server = await startTestServer();
  pushService = await startPushService();
});
afterAll(async () => {
  await server.destroy();
  await pushService.close();
});

/** A signed-up user whose browser subscribed this device to Web Push. */
async function subscribed(name: string): Promise<Signed & { device: string }> {
  const user = await signUp(server, name);
  const device = `${name}-${crypto.randomUUID()}`;
  await user.http.notifications.subscribe.mutate(pushService.device(device));
  return { ...user, device };
}

/** Sends one more message elsewhere to `user` and waits for its push: what came before is done. */
async function barrier(user: Signed & { device: string }) {
  const other = await signUp(server, 'barrier');
  const before = pushService.pushesFor(user.device).length;
  await other.http.chat.send.mutate({ to: user.user.id, text: 'barrier', clientMessageId: cid() });
  await waitFor(
    () => pushService.pushesFor(user.device).length > before,
    10_000,
    'the barrier push',
  );
  await pause(GRACE_MS);
}

describe('Web Push', () => {
  it('serves the VAPID public key and pushes an encrypted, signed plain-text preview to an offline member', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await subscribed('bob');
    const { publicKey } = await bob.http.notifications.publicKey.query();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);

    const message = await alice.http.chat.send.mutate({
      to: bob.user.id,
      text: 'Are you **coming** `tonight`?',
      clientMessageId: cid(),
    });

    await waitFor(() => pushService.pushesFor(bob.device).length === 1, 10_000, 'the push');
    const [push] = pushService.pushesFor(bob.device);
    expect(push!.payload).toEqual({
      type: 'message',
      conversationId: message.conversationId,
      messageId: message.id,
      title: alice.user.displayName,
      body: 'Are you coming tonight?',
      mention: false,
      sentAt: message.createdAt.toISOString(),
    });
    expect(push!.vapidKey).toBe(publicKey);
    expect(push!.claims.aud).toBe(pushService.origin);
    expect(push!.claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(push!.claims.sub).toMatch(/^mailto:/);
    expect(Number(push!.headers.ttl)).toBeGreaterThan(0);
    expect(push!.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(pushService.failures).toEqual([]);
  });

  it('pushes a group message to the offline members only, naming the group and the sender', async () => {
    const owner = await signUp(server, 'owner');
    const online = await subscribed('online');
    const offline = await subscribed('offline');
    const group = await owner.http.groups.create.mutate({
      title: 'Book club',
      memberIds: [online.user.id, offline.user.id],
    });
    const socket = wsClient(server, online.token);
    const stream = collectEvents(socket.client);
    try {
      await stream.ready();
      await owner.http.chat.send.mutate({
        conversationId: group.id,
        text: `Chapter 3 for next week, @${offline.username}`,
        clientMessageId: cid(),
      });
      await waitFor(() => pushService.pushesFor(offline.device).length === 1, 10_000, 'the push');
      expect(pushService.pushesFor(offline.device)[0]!.payload).toMatchObject({
        conversationId: group.id,
        title: 'Book club',
        body: `${owner.user.displayName}: Chapter 3 for next week, @${offline.username}`,
        mention: true,
      });
      // Pushed in the same go as the offline member's, had the online member been offline.
      await pause(GRACE_MS);
      expect(pushService.requestsFor(online.device)).toBe(0);
      expect(stream.of('message.new').some((e) => e.message.conversationId === group.id)).toBe(
        true,
      );
    } finally {
      stream.unsubscribe();
      socket.close();
    }
  });

  it('stays silent for a muted conversation, and says only "New message" when previews are off', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await subscribed('bob');
    const { conversationId } = await alice.http.chat.send.mutate({
      to: bob.user.id,
      text: 'first',
      clientMessageId: cid(),
    });
    await waitFor(() => pushService.pushesFor(bob.device).length === 1, 10_000, 'the first push');
    await bob.http.chat.organise.mutate({ conversationId, mute: '8h' });

    await alice.http.chat.send.mutate({ conversationId, text: 'muted', clientMessageId: cid() });
    await barrier(bob);
    expect(pushService.pushesFor(bob.device).map((p) => p.payload.body)).toEqual([
      'first',
      'barrier',
    ]);

    await bob.http.chat.organise.mutate({ conversationId, mute: null });
    await bob.http.users.updateSettings.mutate({ notificationPreviews: false });
    await alice.http.chat.send.mutate({ conversationId, text: 'secret', clientMessageId: cid() });
    await waitFor(() => pushService.pushesFor(bob.device).length === 3, 10_000, 'the plain push');
    expect(pushService.pushesFor(bob.device)[2]!.payload).toMatchObject({
      conversationId,
      title: 'Parley',
      body: 'New message',
    });
    expect(JSON.stringify(pushService.pushesFor(bob.device)[2]!.payload)).not.toContain('secret');
  });

  it('pushes nothing to whoever blocked the sender (the message is withheld from them)', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await subscribed('bob');
    const carol = await subscribed('carol');
    await bob.http.users.block.mutate({ userId: alice.user.id });
    await alice.http.chat.send.mutate({ to: bob.user.id, text: 'hello?', clientMessageId: cid() });
    await alice.http.chat.send.mutate({ to: carol.user.id, text: 'hello', clientMessageId: cid() });
    await waitFor(() => pushService.pushesFor(carol.device).length === 1, 10_000, 'carol’s push');
    await pause(GRACE_MS);
    expect(pushService.requestsFor(bob.device)).toBe(0);
  });

  it('removes a subscription its push service says is gone (410), and pushes nothing to a signed-out device', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await subscribed('bob');
    pushService.respond(bob.device, 410);
    await alice.http.chat.send.mutate({ to: bob.user.id, text: 'one', clientMessageId: cid() });
    await waitFor(() => pushService.requestsFor(bob.device) === 1, 10_000, 'the refused push');
    await alice.http.chat.send.mutate({ to: bob.user.id, text: 'two', clientMessageId: cid() });
    await pause(GRACE_MS * 2);
    expect(pushService.requestsFor(bob.device)).toBe(1);

    // A device whose session ended hears nothing more, though it never unsubscribed.
    const carol = await signUp(server, 'carol');
    const laptop = await httpClient(server).auth.login.mutate({
      login: carol.username,
      password: carol.password,
    });
    const device = `carol-laptop-${crypto.randomUUID()}`;
    const onLaptop = httpClient(server, () => laptop.accessToken);
    await onLaptop.notifications.subscribe.mutate(pushService.device(device));
    await onLaptop.auth.logout.mutate();
    await alice.http.chat.send.mutate({ to: carol.user.id, text: 'hi', clientMessageId: cid() });
    await pause(GRACE_MS * 2);
    expect(pushService.requestsFor(device)).toBe(0);
  });

  it('acknowledges a send while the push service has not answered yet', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await subscribed('bob');
    let release!: () => void;
    pushService.hold(bob.device, new Promise<void>((r) => (release = r)));
    try {
      await alice.http.chat.send.mutate({ to: bob.user.id, text: 'one', clientMessageId: cid() });
      await waitFor(() => pushService.requestsFor(bob.device) === 1, 10_000, 'the held push');
      const started = performance.now();
      const sent = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'two',
        clientMessageId: cid(),
      });
      expect(sent.text).toBe('two');
      expect(performance.now() - started).toBeLessThan(2000);
      expect(pushService.pushesFor(bob.device)).toEqual([]);
    } finally {
      release();
    }
    await waitFor(() => pushService.pushesFor(bob.device).length === 2, 10_000, 'both pushes');
  });

  it('refuses a subscription that is not a push subscription, and unsubscribes only my own', async () => {
    const alice = await subscribed('alice');
    const mallory = await signUp(server, 'mallory');
    const bad = await rejection(
      alice.http.notifications.subscribe.mutate({
        endpoint: 'not a url',
        keys: { p256dh: 'x', auth: 'y' },
      }),
    );
    expect(bad.data?.code).toBe('BAD_REQUEST');
    const endpoint = `${pushService.origin}/push/${encodeURIComponent(alice.device)}`;
    expect(await mallory.http.notifications.unsubscribe.mutate({ endpoint })).toEqual({
      removed: false,
    });
    expect(await alice.http.notifications.unsubscribe.mutate({ endpoint })).toEqual({
      removed: true,
    });
    await mallory.http.chat.send.mutate({ to: alice.user.id, text: 'hey', clientMessageId: cid() });
    await pause(GRACE_MS * 2);
    expect(pushService.requestsFor(alice.device)).toBe(0);
  });
});
