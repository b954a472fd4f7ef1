import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { transformer } from './transformer.ts';
import { EncodedEnvelope, encodeTracked, wsEncoder } from './wire.ts';

const event = {
  type: 'message.new',
  message: {
    id: 'm1',
    text: 'a "quoted" line\nand more',
    createdAt: new Date('2026-01-02T03:04:05.006Z'),
    editedAt: null,
  },
};

describe('encoding an event once for every socket', () => {
  it('makes exactly what superjson would, and the frame tRPC would, for every id', () => {
    for (const id of ['17', '18']) {
      const envelope = transformer.output.serialize({ id, data: event });
      expect(envelope).toBeInstanceOf(EncodedEnvelope);
      const frame = { id: 7, jsonrpc: '2.0', result: { type: 'data', id, data: envelope } };
      const plain = {
        id: 7,
        jsonrpc: '2.0',
        result: { type: 'data', id, data: superjson.serialize({ id, data: event }) },
      };
      expect(wsEncoder.encode(frame)).toBe(JSON.stringify(plain));
      // Any other writer gets the same JSON through toJSON.
      expect(JSON.stringify(frame)).toBe(JSON.stringify(plain));
      expect(superjson.deserialize(JSON.parse(JSON.stringify(envelope)))).toEqual({
        id,
        data: event,
      });
    }
  });

  it('encodes the event itself once, however many sockets it goes to', () => {
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      if (args[0] === shared) calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    const shared = { type: 'typing', conversationId: 'c', userId: 'u', isTyping: true };
    try {
      for (let socket = 0; socket < 50; socket++)
        encodeTracked({ id: String(socket), data: shared });
    } finally {
      JSON.stringify = stringify;
    }
    expect(calls).toBe(1);
  });

  it('leaves everything else to the usual path', () => {
    expect(encodeTracked({ items: [], nextCursor: null })).toBeNull();
    expect(encodeTracked({ id: '1', data: { type: 'x', big: 1n } })).toBeNull();
    expect(wsEncoder.encode({ id: 1, result: { type: 'started' } })).toBe(
      '{"id":1,"result":{"type":"started"}}',
    );
  });
});
