import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeOutput } from './fast-serialize.ts';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n));
const message = (n: number) => ({
  id: `m${n}`,
  conversationId: 'c1',
  seq: n,
  senderId: 'u1',
  text: `hello ${n}`,
  attachmentIds: [],
  attachments: [{ id: 'a1', mime: 'image/png', size: 10, width: null }],
  clientMessageId: `cm-${n}`,
  createdAt: at(n),
});
const shared = { x: 1 };
const sharedDate = at(9);
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const samples: Array<[string, unknown]> = [
  ['a string', 'text'],
  ['a number', 42],
  ['null', null],
  ['true', true],
  ['an empty object', {}],
  ['an empty array', []],
  ['a date', at(1)],
  ['a message', message(1)],
  ['a page of messages', { items: [message(1), message(2), message(3)], nextCursor: 'm3' }],
  ['a stream event', { type: 'message.new', message: message(7) }],
  ['dates in arrays', [at(1), [at(2), { when: at(3) }]]],
  ['keys with dots and backslashes', { 'a.b': { 'c\\d': at(4) }, 'e.f': 1 }],
  ['a null prototype', Object.assign(Object.create(null) as object, { when: at(5) })],
  ['presence', { type: 'presence', userId: 'u2', online: false, lastSeenAt: at(6) }],
  ['undefined inside', { a: undefined, b: [undefined, 1] }],
  ['undefined', undefined],
  ['special numbers', { a: NaN, b: Infinity, c: -Infinity }],
  ['a bigint', { n: 10n }],
  ['a Map and a Set', { m: new Map([['k', 1]]), s: new Set([1]) }],
  ['a class instance', { p: new Point(1, 2) }],
  ['a regexp and an error', { r: /x/g, e: new Error('boom') }],
  ['the same object twice', { a: shared, b: shared }],
  ['the same date twice', { a: sharedDate, b: [sharedDate] }],
  ['a cycle', circular],
  ['an invalid date', { d: new Date(NaN) }],
  ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
];

describe('serializeOutput', () => {
  it.each(samples)('sends exactly what superjson sends: %s', (_name, value) => {
    let expected: string | Error;
    try {
      expected = JSON.stringify(superjson.serialize(value));
    } catch (error) {
      expected = error as Error;
    }
    if (expected instanceof Error) {
      expect(() => JSON.stringify(serializeOutput(value))).toThrow(expected.message);
      return;
    }
    const actual = JSON.stringify(serializeOutput(value));
    expect(actual).toBe(expected);
    expect(superjson.deserialize(JSON.parse(actual))).toEqual(
      superjson.deserialize(JSON.parse(expected)),
    );
  });

  it('does not copy plain data', () => {
    const page = { items: [message(1)], nextCursor: null };
    expect(serializeOutput(page).json).toBe(page);
  });
});
