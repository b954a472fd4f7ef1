import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBus } from '@parley/bus';
import { openStore, type RolePolicy, type Store, type StoredEvent, type User } from '@parley/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventHub, type EventHub, type HubItem } from './event-hub.ts';

let dir: string;
let store: Store;
let hub: EventHub;
let users: Record<'alice' | 'bob' | 'carol', User>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-hub-'));
  store = await openStore(`file:${join(dir, 'hub.db')}`);
  hub = createEventHub({
    store,
    bus: createLocalBus(),
    onError: (e) => {
      throw e;
    },
  });
  await hub.start();
  const make = (name: string) =>
    store.createUser({
      username: name,
      email: `${name}@x.test`,
      passwordHash: 'h',
      displayName: name,
    });
  users = { alice: await make('alice'), bob: await make('bob'), carol: await make('carol') };
});

afterEach(async () => {
  hub.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A listener as the event stream makes one, with what it received. */
async function listen(user: User) {
  const items: HubItem[] = [];
  const listener = hub.listen(user.id, (item) => items.push(item));
  listener.activate(await store.listMembershipPeriods(user.id), 'everyone');
  return { items, listener, texts: () => items.map(label) };
}

function label(item: HubItem): string {
  const data = item.data;
  if (data.type === 'message.new') return data.message.text || `(${data.message.system?.action})`;
  if (data.type === 'typing') return `typing ${data.isTyping}`;
  return data.type;
}

const at = () => new Date();

async function commit<T extends { events: StoredEvent[] }>(events: Promise<T>): Promise<T> {
  const result = await events;
  hub.publish(result.events);
  return result;
}

const post = (from: User, conversationId: string, text: string) =>
  commit(
    store.sendMessage({
      senderId: from.id,
      conversationId,
      text,
      attachmentIds: [],
      mentionUsernames: [],
      clientMessageId: `${from.username}-${text}`.replace(/\W/g, '-').padEnd(8, '-'),
      createdAt: at(),
    }),
  );

const policy = { owner: ['admin', 'member'] as const, admin: ['member'] as const };
const change = (change: Parameters<Store['changeGroup']>[0]['change']) =>
  commit(store.changeGroup({ change, maxMembers: 10, at: at() }));

/** A private group Alice creates with Bob in it (Carol is not); returns its conversation id. */
async function aliceGroupWithBob(): Promise<string> {
  const { alice, bob } = users;
  const group = await change({
    type: 'create',
    actorId: alice.id,
    title: 'g',
    memberIds: [bob.id],
    avatarId: null,
    isPublic: false,
  });
  return group.conversation.id;
}

/** Alice, who owns the group, adds `user` to it under the given role policy. */
const aliceAdds = (conversationId: string, user: User, policy: RolePolicy) =>
  change({ type: 'add', conversationId, actorId: users.alice.id, userIds: [user.id], policy });

/** `from` starts or stops typing in the conversation: a live event, not stored. */
const typing = (from: User, conversationId: string, isTyping: boolean) =>
  hub.publishLive({
    from: from.id,
    conversationIds: [conversationId],
    data: { type: 'typing', conversationId, userId: from.id, isTyping },
  });

describe('the event hub', () => {
  it('gives each listener the events of its conversations only, in order', async () => {
    const { alice, bob, carol } = users;
    const id = await aliceGroupWithBob();
    const bobs = await listen(bob);
    const carols = await listen(carol);
    await post(alice, id, 'one');
    await post(bob, id, 'two');

    expect(bobs.texts()).toEqual(['one', 'two']);
    expect(carols.items).toEqual([]);
    expect(bobs.items.map((i) => i.id)).toEqual(
      [...bobs.items.map((i) => i.id)].sort((a, b) => a! - b!),
    );
  });

  it('starts a new member at the event that added them, and stops a removed one after it', async () => {
    const { alice, bob, carol } = users;
    const id = await aliceGroupWithBob();
    const carols = await listen(carol);
    await post(alice, id, 'before');
    await aliceAdds(id, carol, { ...policy, owner: [...policy.owner], admin: [...policy.admin] });
    await post(bob, id, 'during');
    typing(bob, id, true);
    await change({
      type: 'remove',
      conversationId: id,
      actorId: alice.id,
      userId: carol.id,
      policy: { owner: ['member'] },
    });
    await post(alice, id, 'after');
    typing(bob, id, false);

    expect(carols.texts().filter((t) => t !== 'receipts')).toEqual([
      '(added)',
      'during',
      'typing true',
      '(removed)',
    ]);
  });

  it('holds events until activated, then keeps exactly those the periods allow', async () => {
    const { alice, bob, carol } = users;
    const id = await aliceGroupWithBob();
    const items: HubItem[] = [];
    const listener = hub.listen(carol.id, (item) => items.push(item));
    await post(alice, id, 'not for carol');
    await aliceAdds(id, carol, { owner: ['member'] });
    await post(alice, id, 'for carol');
    // Read now, the periods already include the add (committed after listening began).
    listener.activate(await store.listMembershipPeriods(carol.id), 'everyone');
    await post(bob, id, 'also for carol');

    expect(items.map(label).filter((t) => t !== 'receipts')).toEqual([
      '(added)',
      'for carol',
      'also for carol',
    ]);
    expect(listener.position).toBeLessThan(items[0]!.id!);
  });

  it('sends typing and presence to current members only, never back to the sender', async () => {
    const { alice, bob, carol } = users;
    const id = await aliceGroupWithBob();
    const alices = await listen(alice);
    const bobs = await listen(bob);
    const carols = await listen(carol);
    hub.publishLive({
      from: alice.id,
      conversationIds: [id, 'elsewhere'],
      data: { type: 'presence', userId: alice.id, online: true, lastSeenAt: null },
    });

    expect(bobs.texts()).toEqual(['presence']);
    expect(alices.items).toEqual([]);
    expect(carols.items).toEqual([]);
  });

  it('stops delivering to a closed listener', async () => {
    const { alice, bob } = users;
    const id = await aliceGroupWithBob();
    const bobs = await listen(bob);
    bobs.listener.close();
    await post(alice, id, 'unheard');
    expect(bobs.items).toEqual([]);
  });
});
