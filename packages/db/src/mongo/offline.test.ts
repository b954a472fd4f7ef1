// What can be checked without a MongoDB server; the Store contract itself runs in mongo.test.ts.
import { describe, expect, it } from 'vitest';
import type { Message } from '../types.ts';
import {
  decodeConversationCursor,
  decodeUserCursor,
  encodeConversationCursor,
  encodeUserCursor,
} from './cursor.ts';
import { duplicateKeyFields } from './errors.ts';
import { openMongoStore } from './index.ts';
import { toMessage, toMessageDoc } from './mappers.ts';
import { redactCredentials } from './uri.ts';
import { escapeRegex } from './users.ts';
import { pairKey } from '../direct.ts';

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

  it('round-trips page cursors and refuses ones it did not issue', () => {
    const at = new Date('2025-03-01T12:00:00.123Z');
    expect(decodeConversationCursor(encodeConversationCursor(at, 'c-1'))).toEqual({
      lastMessageAt: at,
      id: 'c-1',
    });
    expect(decodeUserCursor(encodeUserCursor('alice'))).toBe('alice');
    for (const forged of ['', 'not base64 json', Buffer.from('{"a":1}').toString('base64url')]) {
      expect(decodeConversationCursor(forged)).toBeNull();
      expect(decodeUserCursor(forged)).toBeNull();
    }
    expect(decodeConversationCursor(encodeUserCursor('alice'))).toBeNull();
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

  it('maps a message to its document and back', () => {
    const message: Message = {
      id: 'm-1',
      conversationId: 'c-1',
      seq: 3,
      senderId: 'u-1',
      text: 'hi',
      attachmentIds: ['a-1'],
      attachments: [
        {
          id: 'a-1',
          kind: 'image',
          mime: 'image/png',
          width: 1600,
          height: 900,
          url: '/api/files/a-1/display',
          thumbUrl: '/api/files/a-1/thumb',
          thumbWidth: 320,
          thumbHeight: 180,
        },
      ],
      clientMessageId: 'client-1',
      createdAt: new Date('2025-03-01T12:00:00.000Z'),
    };
    expect(toMessageDoc(message)).toMatchObject({ _id: 'm-1' });
    expect(toMessage(toMessageDoc(message))).toEqual(message);
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
