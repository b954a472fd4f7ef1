// What can be checked without a MongoDB server; the Store contract itself runs in mongo.test.ts.
// The pure parts of the adapter have their own tests beside them (cursor, mappers, writer, ...).
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { pairKey } from '../direct.ts';
import { attachmentMethods } from './attachments.ts';
import { conversationMethods } from './conversations.ts';
import { duplicateKeyFields } from './errors.ts';
import { eventMethods } from './events.ts';
import { messageHydrator } from './hydrate.ts';
import { openMongoStore } from './index.ts';
import { messageMethods } from './messages.ts';
import { createModels } from './models.ts';
import { periodMethods } from './periods.ts';
import { marksMethods } from './receipts.ts';
import { safetyMethods } from './safety.ts';
import { redactCredentials } from './uri.ts';
import { escapeRegex, userMethods } from './users.ts';

describe('mongo store helpers', () => {
  it('escapes every regex metacharacter of a search', () => {
    const inputs = ['a.b', 'a_b', '50%', '(x)', '[a-z]', 'a+b*', '^$', 'back\\', '{1}', 'a|b', '?'];
    for (const input of inputs) {
      const prefix = new RegExp(`^${escapeRegex(input)}`, 'i');
      expect(prefix.test(`${input.toUpperCase()}tail`)).toBe(true);
    }
    expect(new RegExp(`^${escapeRegex('a.b')}`).test('axb')).toBe(false);
    expect(new RegExp(`^${escapeRegex('.*')}`).test('anything')).toBe(false);
  });

  it('keys a direct conversation by its two members in either order', () => {
    expect(pairKey('b', 'a')).toBe('a:b');
    expect(pairKey('a', 'b')).toBe('a:b');
  });

  it('names the fields of the unique index a duplicate-key error hit', () => {
    const error = Object.assign(new Error('E11000 duplicate key error'), {
      code: 11000,
      keyPattern: { senderId: 1, clientMessageId: 1 },
      keyValue: { senderId: 'u1', clientMessageId: 'm1' },
    });
    expect(duplicateKeyFields(error)).toEqual(['senderId', 'clientMessageId']);
    expect(duplicateKeyFields(Object.assign(new Error('other'), { code: 112 }))).toBeNull();
    expect(duplicateKeyFields('E11000')).toBeNull();
  });

  it('removes credentials from a URI', () => {
    expect(redactCredentials('mongodb://app:s3cret@db1:27017,db2/parley?replicaSet=rs0')).toBe(
      'mongodb://***@db1:27017,db2/parley?replicaSet=rs0',
    );
    expect(redactCredentials('mongodb+srv://app:s3cret@cluster.example.net/parley')).toBe(
      'mongodb+srv://***@cluster.example.net/parley',
    );
    expect(redactCredentials('mongodb://localhost:27017/parley')).toBe(
      'mongodb://localhost:27017/parley',
    );
  });
});

describe('limit 0 without a server', () => {
  // Models on a connection that never opens and refuses to queue commands: any query throws at
  // once. `limit: 0` must answer an empty page without one (MongoDB reads `.limit(0)` as "all").
  const conn = mongoose.createConnection();
  conn.config.bufferCommands = false;
  const models = createModels(conn);
  const periods = periodMethods(models);
  const marks = marksMethods(models);
  const hydrate = messageHydrator(models);
  const store = {
    ...userMethods(models),
    ...conversationMethods(models, { periods, marks, hydrate }),
    ...messageMethods(models, { periods, hydrate }),
    ...eventMethods(models, { counter: { first: 1 }, hydrate }),
    ...attachmentMethods(conn, models),
    ...safetyMethods(models, marks),
  };
  afterAll(() => conn.close());
  const emptyPage = { items: [], nextCursor: null };

  it('answers every paged method with nothing, touching no collection', async () => {
    expect(await store.listUsers({ excludeId: 'u', limit: 0 })).toEqual(emptyPage);
    expect(await store.searchUsers({ query: 'a', excludeId: 'u', limit: 0 })).toEqual([]);
    expect(await store.listConversations({ userId: 'u', limit: 0 })).toEqual(emptyPage);
    expect(await store.listMembers({ conversationId: 'c', limit: 0 })).toEqual(emptyPage);
    expect(await store.listPublicGroups({ userId: 'u', query: '', limit: 0 })).toEqual(emptyPage);
    expect(await store.listMessages({ conversationId: 'c', userId: 'u', limit: 0 })).toEqual([]);
    expect(await store.listUserEvents({ userId: 'u', afterId: 0, upToId: 9, limit: 0 })).toEqual(
      [],
    );
    expect(await store.listEvents({ afterId: 0, limit: 0 })).toEqual([]);
    expect(await store.listUnusedAttachments({ createdBefore: new Date(), limit: 0 })).toEqual([]);
    expect(await store.listReports({ status: 'open', limit: 0 })).toEqual(emptyPage);
  });

  it('answers questions about nobody without a query', async () => {
    expect(await store.blockRelations('u', [])).toEqual({ blocked: [], blockedBy: [] });
    expect(await store.getSettings([])).toEqual([]);
  });

  it('does query with a limit of 1, or about someone (so the tests above could fail)', async () => {
    await expect(store.listUsers({ excludeId: 'u', limit: 1 })).rejects.toThrow(/bufferCommands/);
    await expect(store.listEvents({ afterId: 0, limit: 1 })).rejects.toThrow(/bufferCommands/);
    await expect(store.listReports({ status: 'open', limit: 1 })).rejects.toThrow(/bufferCommands/);
    await expect(store.blockRelations('u', ['v'])).rejects.toThrow(/bufferCommands/);
    await expect(store.getSettings(['u'])).rejects.toThrow(/bufferCommands/);
  });
});

describe('openMongoStore', () => {
  it('rejects quickly with a readable error, without the password, when no server answers', async () => {
    const started = Date.now();
    const error = await openMongoStore(
      'mongodb://app:s3cret@127.0.0.1:1/parley?serverSelectionTimeoutMS=300',
    ).then(
      () => null,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^cannot open MongoDB store at mongodb:\/\/\*\*\*@127\.0\.0\.1:1\/parley/,
    );
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects a malformed URI', async () => {
    await expect(openMongoStore('mongodb://')).rejects.toThrow(
      /^cannot open MongoDB store at mongodb:\/\/: /,
    );
  });
});
