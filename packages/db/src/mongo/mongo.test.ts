import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it, vi } from 'vitest';
import { runStoreContract } from '../contract/index.ts';
import { createUsers, send, upload } from '../contract/fixtures.ts';
import { DEFAULT_SETTINGS, NOTHING_READ } from '../privacy.ts';
import type { MessageActionError } from '../store.ts';
import { EVENT_COUNTER } from './events.ts';
import { openMongoStore } from './index.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import { freshDatabases, mongoUri, skipWithoutMongo, withDatabase } from './testing.ts';

const uri = mongoUri;
if (uri) {
  // Transactions that conflict are retried with backoff; the concurrency tests need the room.
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
  const freshDatabase = freshDatabases(uri, 'parley_test');
  const freshUri = () => withDatabase(uri, freshDatabase());

  // The contract wants a fresh, empty store from every call: each gets a database of its own.
  runStoreContract('mongo', () => openMongoStore(freshUri()));

  /** A plain connection to the database of `dbUri`, to look at what the store wrote. */
  async function rawDb(dbUri: string) {
    const conn = await mongoose.createConnection(dbUri).asPromise();
    return { db: conn.db!, close: () => conn.close() };
  }

  describe('mongo store: several processes', () => {
    it('prepares the database once when several processes open it at once', async () => {
      const dbUri = freshUri();
      const stores = await Promise.all([1, 2, 3].map(() => openMongoStore(dbUri)));
      const raw = await rawDb(dbUri);
      try {
        expect(await raw.db.collection('meta').findOne({ _id: 'schema' as never })).toMatchObject({
          version: SCHEMA_VERSION,
        });
        expect(await raw.db.collection('meta').findOne({ _id: 'lock' as never })).toBeNull();
        expect(await stores[0]!.firstEventId()).toBe(1);
      } finally {
        await raw.close();
        for (const store of stores) await store.close();
      }
    });

    it('gives dense ids in commit order to events written by two processes at once', async () => {
      const dbUri = freshUri();
      const [one, two] = await Promise.all([openMongoStore(dbUri), openMongoStore(dbUri)]);
      try {
        const [alice, bob] = await createUsers(one!, 'alice', 'bob');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            send(n % 2 ? one! : two!, n % 2 ? alice : bob, n % 2 ? bob : alice, `m${n}`),
          ),
        );
        const retried = await Promise.all(
          [one!, two!].map((store) => send(store, alice, bob, 'x', 'same')),
        );

        expect(results.map((r) => r.message.seq).toSorted((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, n) => n + 1),
        );
        expect(retried.filter((r) => r.created)).toHaveLength(1);
        const events = await two!.listEvents({ afterId: 0, limit: 100 });
        expect(events.map((e) => e.id)).toEqual(Array.from({ length: 21 }, (_, n) => n + 1));
        // Commit order: a conversation's messages are in the log in seq order.
        expect(events.map((e) => e.data.type === 'message.new' && e.data.message.seq)).toEqual(
          Array.from({ length: 21 }, (_, n) => n + 1),
        );
      } finally {
        await one!.close();
        await two!.close();
      }
    });

    it('announces the marks everyone reached when members of two processes deliver at once', async () => {
      const dbUri = freshUri();
      const [one, two] = await Promise.all([openMongoStore(dbUri), openMongoStore(dbUri)]);
      try {
        const users = await createUsers(one!, 'alice', 'm1', 'm2', 'm3', 'm4');
        const [alice, ...members] = users;
        const { conversation } = await one!.changeGroup({
          change: {
            type: 'create',
            actorId: alice.id,
            title: 'g',
            memberIds: members.map((m) => m.id),
            avatarId: null,
            isPublic: false,
          },
          maxMembers: 10,
          at: new Date(),
        });
        const sent = await one!.sendMessage({
          senderId: alice.id,
          conversationId: conversation.id,
          text: 'hello',
          attachmentIds: [],
          mentionUsernames: [],
          clientMessageId: randomUUID(),
          createdAt: new Date(),
        });
        await Promise.all(
          members.map((m, i) =>
            (i % 2 ? one! : two!).markDelivered({
              conversationId: conversation.id,
              userId: m.id,
              upToSeq: sent.message.seq,
              at: new Date(),
            }),
          ),
        );
        const log = await one!.listEvents({ afterId: 0, limit: 100 });
        const last = log.filter((e) => e.data.type === 'receipts').at(-1);
        expect(last?.data.type === 'receipts' && last.data.marks.delivered.lowest).toBe(
          sent.message.seq,
        );
      } finally {
        await one!.close();
        await two!.close();
      }
    });
  });

  describe('mongo store: message actions across processes', () => {
    it('never lets reactions from two processes at once exceed the number of emoji allowed', async () => {
      const dbUri = freshUri();
      const [one, two] = await Promise.all([openMongoStore(dbUri), openMongoStore(dbUri)]);
      try {
        const [alice, bob] = await createUsers(one!, 'alice', 'bob');
        const { message } = await send(one!, alice, bob, 'pick one');
        const emoji = ['👍', '❤️', '😮', '🎉', '🙏', '🔥'];
        const outcomes = await Promise.allSettled(
          emoji.map((e, i) =>
            (i % 2 ? one! : two!).actOnMessage(
              {
                type: 'react',
                messageId: message.id,
                actorId: bob.id,
                emoji: e,
                on: true,
                maxEmoji: 3,
              },
              new Date(),
            ),
          ),
        );
        const refused = outcomes.filter((o) => o.status === 'rejected');
        expect(outcomes.length - refused.length).toBe(3);
        for (const outcome of refused) {
          expect((outcome.reason as MessageActionError).reason).toBe('too_many_reactions');
        }
        expect((await two!.getMessage(message.id))?.reactions).toHaveLength(3);
      } finally {
        await one!.close();
        await two!.close();
      }
    });
  });

  describe('mongo store: group commit', () => {
    it('commits the sends of one turn in one transaction, each acknowledged once stored', async () => {
      const dbUri = freshUri();
      const store = await openMongoStore(dbUri);
      const raw = await rawDb(dbUri);
      try {
        const [alice, bob] = await createUsers(store, 'alice', 'bob');
        const counter = () =>
          raw.db.collection('counters').findOne({ _id: EVENT_COUNTER as never });
        const claimsBefore = (await counter())?.claims ?? 0;
        const stored = () => raw.db.collection('messages').countDocuments();

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            send(store, n % 2 ? alice : bob, n % 2 ? bob : alice, `m${n}`).then(async (r) => ({
              r,
              seen: await stored(),
            })),
          ),
        );

        // Every promise settled after the commit: another connection already saw all of them.
        expect(results.every(({ seen }) => seen === 20)).toBe(true);
        expect(results.map(({ r }) => r.message.seq)).toEqual(
          Array.from({ length: 20 }, (_, n) => n + 1),
        );
        // One transaction claimed the counter, once.
        expect(await counter()).toMatchObject({ value: 20, claims: claimsBefore + 1 });
      } finally {
        await raw.close();
        await store.close();
      }
    });

    it('commits the message actions of one turn in one transaction', async () => {
      const dbUri = freshUri();
      const store = await openMongoStore(dbUri);
      const raw = await rawDb(dbUri);
      try {
        const [alice, bob] = await createUsers(store, 'alice', 'bob');
        const { message } = await send(store, alice, bob, 'react to me');
        const counter = () =>
          raw.db.collection('counters').findOne({ _id: EVENT_COUNTER as never });
        const claimsBefore = (await counter())?.claims ?? 0;
        const emoji = ['👍', '❤️', '😮', '🎉'];

        const start = Date.now();
        const results = await Promise.all(
          emoji.map((e, i) =>
            store.actOnMessage(
              {
                type: 'react',
                messageId: message.id,
                actorId: bob.id,
                emoji: e,
                on: true,
                maxEmoji: 10,
              },
              new Date(start + i),
            ),
          ),
        );

        expect(results.every((r) => r.changed && r.events.length === 1)).toBe(true);
        // Dense ids in the order the reactions were applied.
        const ids = results.map((r) => r.events[0]!.id);
        expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
        expect(await counter()).toMatchObject({ claims: claimsBefore + 1 });
        expect(results.at(-1)?.message.reactions.map((r) => r.emoji)).toEqual(emoji);
      } finally {
        await raw.close();
        await store.close();
      }
    });

    it('commits queued sends before closing', async () => {
      const dbUri = freshUri();
      const store = await openMongoStore(dbUri);
      const [alice, bob] = await createUsers(store, 'alice', 'bob');
      const pending = send(store, alice, bob, 'last words');
      await store.close();
      const { message } = await pending;
      const reopened = await openMongoStore(dbUri);
      try {
        expect(await reopened.getMessage(message.id)).toMatchObject({ text: 'last words' });
      } finally {
        await reopened.close();
      }
    });
  });

  describe('mongo store: safety', () => {
    it('blocks once when two processes block the same user at once', async () => {
      const dbUri = freshUri();
      const [one, two] = await Promise.all([openMongoStore(dbUri), openMongoStore(dbUri)]);
      try {
        const [alice, bob] = await createUsers(one!, 'alice', 'bob');
        const results = await Promise.all(
          [one!, two!, one!, two!].map((store) =>
            store.setBlocked({
              blockerId: alice.id,
              userId: bob.id,
              blocked: true,
              at: new Date(),
            }),
          ),
        );
        expect(results.filter((r) => r.changed)).toHaveLength(1);
        expect(results.flatMap((r) => r.events)).toHaveLength(1);
        expect((await two!.listBlocked(alice.id)).map((b) => b.userId)).toEqual([bob.id]);
      } finally {
        await one!.close();
        await two!.close();
      }
    });

    it('fills a replay page with the events the user may see, however many were withheld', async () => {
      const store = await openMongoStore(freshUri());
      try {
        const [alice, bob] = await createUsers(store, 'alice', 'bob');
        const opened = await send(store, alice, bob, 'first');
        for (let n = 0; n < 5; n += 1) {
          await store.sendMessage({
            senderId: alice.id,
            conversationId: opened.message.conversationId,
            text: `withheld ${n}`,
            attachmentIds: [],
            mentionUsernames: [],
            clientMessageId: randomUUID(),
            createdAt: new Date(),
            withheldFrom: [bob.id],
          });
        }
        const last = await send(store, alice, bob, 'last');
        const page = await store.listUserEvents({
          userId: bob.id,
          afterId: 0,
          upToId: await store.lastEventId(),
          limit: 2,
        });
        expect(page.map((e) => e.id)).toEqual([opened.events[0]!.id, last.events[0]!.id]);
      } finally {
        await store.close();
      }
    });
  });

  describe('mongo store: start-up', () => {
    it('syncs an index whose definition changed instead of failing on IndexOptionsConflict', async () => {
      const dbUri = freshUri();
      const raw = await rawDb(dbUri);
      try {
        // An older build's index: unique on every conversation (groups have no pair key).
        await raw.db.collection('conversations').createIndex({ pairKey: 1 }, { unique: true });
        const store = await openMongoStore(dbUri);
        await store.close();
        const indexes = await raw.db.collection('conversations').indexes();
        expect(indexes.find((index) => index.name === 'pairKey_1')).toMatchObject({
          unique: true,
          partialFilterExpression: { pairKey: { $exists: true } },
        });
      } finally {
        await raw.close();
      }
    });

    it('upgrades a database of per-user streams: conversations stay readable, old resume points are void', async () => {
      const dbUri = freshUri();
      const raw = await rawDb(dbUri);
      const at = (ms: number) => new Date(ms);
      try {
        const user = (name: string, eventSeq: number) => ({
          _id: `u-${name}`,
          username: name,
          email: `${name}@example.com`,
          passwordHash: 'h',
          displayName: name,
          bio: '',
          avatarId: null,
          createdAt: at(0),
          lastSeenAt: null,
          eventSeq,
        });
        await raw.db.collection('users').insertMany([user('olga', 2), user('pete', 3)] as never[]);
        await raw.db.collection('conversations').insertOne({
          _id: 'c-1',
          kind: 'direct',
          pairKey: 'u-olga:u-pete',
          memberIds: ['u-olga', 'u-pete'],
          members: [
            { userId: 'u-olga', deliveredSeq: 2, readSeq: 2 },
            { userId: 'u-pete', deliveredSeq: 0, readSeq: 0 },
          ],
          createdAt: at(0),
          lastMessageAt: at(1000),
          lastSeq: 2,
        } as never);
        await raw.db.collection('messages').insertMany(
          [1, 2].map((seq) => ({
            _id: `m-${seq}`,
            conversationId: 'c-1',
            seq,
            senderId: 'u-olga',
            text: `old ${seq}`,
            attachmentIds: [],
            clientMessageId: `cm-${seq}`,
            createdAt: at(seq * 500),
          })) as never[],
        );
        await raw.db.collection('events').insertMany(
          [
            ['u-olga', 1],
            ['u-olga', 2],
            ['u-pete', 1],
            ['u-pete', 2],
            ['u-pete', 3],
          ].map(([userId, id]) => ({ userId, id, data: {}, createdAt: at(0) })),
        );
        await raw.db.collection('events').createIndex({ userId: 1, id: 1 }, { unique: true });

        const store = await openMongoStore(dbUri);
        try {
          expect(await store.firstEventId()).toBe(4);
          expect(await store.lastEventId()).toBe(3);
          const history = await store.listMessages({
            conversationId: 'c-1',
            userId: 'u-pete',
            limit: 10,
          });
          expect(history.map((m) => [m.text, m.kind, m.mentions])).toEqual([
            ['old 1', 'text', []],
            ['old 2', 'text', []],
          ]);
          const [summary] = (await store.listConversations({ userId: 'u-pete', limit: 5 })).items;
          expect(summary).toMatchObject({ peerId: 'u-olga', unreadCount: 2 });
          expect(summary?.conversation).toMatchObject({
            kind: 'direct',
            memberCount: 2,
            title: null,
          });
          expect(await store.getMembership('c-1', 'u-olga')).toMatchObject({
            role: 'member',
            deliveredSeq: 2,
            readSeq: 2,
          });
          const olga = (await store.getUser('u-olga'))!;
          const pete = (await store.getUser('u-pete'))!;
          const next = await send(store, pete, olga, 'new');
          expect(next.message.seq).toBe(3);
          expect(next.events.map((e) => e.id)).toEqual([4]);
          const stream = await store.listUserEvents({
            userId: 'u-olga',
            afterId: 0,
            upToId: 10,
            limit: 10,
          });
          expect(stream.map((e) => e.id)).toEqual([4]);
        } finally {
          await store.close();
        }

        expect(await raw.db.listCollections({ name: 'events' }).toArray()).toEqual([]);
        expect(
          await raw.db.collection('users').findOne({ eventSeq: { $exists: true } }),
        ).toBeNull();
        expect(
          await raw.db.collection('conversations').findOne({ members: { $exists: true } }),
        ).toBeNull();
        // Opening again changes nothing.
        const again = await openMongoStore(dbUri);
        expect(await again.lastEventId()).toBe(4);
        await again.close();
      } finally {
        await raw.close();
      }
    });

    it('upgrades a v2 database for message actions: old messages can be acted on, uploads use their own files', async () => {
      const dbUri = freshUri();
      const first = await openMongoStore(dbUri);
      const [alice, bob] = await createUsers(first, 'alice', 'bob');
      const picture = await upload(first, alice);
      const { message } = await first.sendMessage({
        senderId: alice.id,
        recipientId: bob.id,
        text: 'from v2',
        attachmentIds: [picture.id],
        mentionUsernames: [],
        clientMessageId: randomUUID(),
        createdAt: new Date(),
      });
      await first.close();
      // Back to what v2 stored: no action fields on messages, no blobId on uploads.
      const raw = await rawDb(dbUri);
      try {
        await raw.db.collection('messages').updateMany(
          {},
          {
            $unset: {
              replyToId: '',
              editedAt: '',
              deletedAt: '',
              forwarded: '',
              pinnedAt: '',
              hiddenFor: '',
            },
          },
        );
        await raw.db.collection('attachments').updateMany({}, { $unset: { blobId: '' } });
        await raw.db
          .collection('meta')
          .updateOne({ _id: 'schema' as never }, { $set: { version: 2 } });

        const store = await openMongoStore(dbUri);
        try {
          expect(await store.getMessage(message.id)).toEqual(message);
          expect(await store.getAttachment(picture.id)).toMatchObject({ blobId: picture.id });
          expect(
            await raw.db.collection('messages').findOne({ _id: message.id as never }),
          ).toMatchObject({
            replyToId: null,
            forwarded: false,
            hiddenFor: [],
          });
          const reacted = await store.actOnMessage(
            {
              type: 'react',
              messageId: message.id,
              actorId: bob.id,
              emoji: '👍',
              on: true,
              maxEmoji: 5,
            },
            new Date(),
          );
          expect(reacted.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
          await store.actOnMessage(
            { type: 'hide', messageId: message.id, actorId: bob.id },
            new Date(),
          );
          const history = await store.listMessages({
            conversationId: message.conversationId,
            userId: bob.id,
            limit: 5,
          });
          expect(history).toEqual([]);
          expect(await store.blobInUse(picture.id)).toBe(true);
        } finally {
          await store.close();
        }
        expect(await raw.db.collection('meta').findOne({ _id: 'schema' as never })).toMatchObject({
          version: SCHEMA_VERSION,
        });
      } finally {
        await raw.close();
      }
    });

    it('upgrades a v3 database for safety: users get the default settings and can change them', async () => {
      const dbUri = freshUri();
      const first = await openMongoStore(dbUri);
      const [alice, bob] = await createUsers(first, 'alice', 'bob');
      const { message } = await send(first, alice, bob, 'from v3');
      await first.markRead({
        conversationId: message.conversationId,
        userId: bob.id,
        upToSeq: message.seq,
        at: new Date(),
      });
      await first.close();
      // Back to what v3 stored: users without privacy settings.
      const raw = await rawDb(dbUri);
      try {
        await raw.db.collection('users').updateMany({}, { $unset: { privacy: '' } });
        await raw.db
          .collection('meta')
          .updateOne({ _id: 'schema' as never }, { $set: { version: 3 } });

        const store = await openMongoStore(dbUri);
        try {
          for (const user of [alice, bob]) {
            expect(
              await raw.db.collection('users').findOne({ _id: user.id as never }),
            ).toMatchObject({ privacy: DEFAULT_SETTINGS });
          }
          const before = await store.getConversationSummary(alice.id, message.conversationId);
          expect(before?.receipts.read.lowest).toBe(message.seq);
          const changed = await store.updateSettings(bob.id, { readReceipts: false }, new Date());
          expect(changed.settings).toEqual({ ...DEFAULT_SETTINGS, readReceipts: false });
          const after = await store.getConversationSummary(alice.id, message.conversationId);
          expect(after?.receipts.read).toEqual(NOTHING_READ);
          expect(await store.getSettings([alice.id, bob.id])).toEqual([
            DEFAULT_SETTINGS,
            changed.settings,
          ]);
        } finally {
          await store.close();
        }
        expect(await raw.db.collection('meta').findOne({ _id: 'schema' as never })).toMatchObject({
          version: SCHEMA_VERSION,
        });
      } finally {
        await raw.close();
      }
    });

    it('refuses a database from a newer build', async () => {
      const dbUri = freshUri();
      const raw = await rawDb(dbUri);
      try {
        await raw.db
          .collection('meta')
          .insertOne({ _id: 'schema', version: SCHEMA_VERSION + 1 } as never);
        await expect(openMongoStore(dbUri)).rejects.toThrow(/newer than this build/);
      } finally {
        await raw.close();
      }
    });
  });
} else {
  skipWithoutMongo({
    reason:
      '[mongo] contract suite skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs it against a MongoDB 7.0 single-node replica set)',
    suite: 'Store contract: mongo (set MONGODB_URI to a replica set to run it)',
    test: 'runs the shared Store contract against MongoDB',
  });
}
