import { describe, expect, it } from 'vitest';
import { isRepeatedEvent } from './protocol.ts';

const durable = (id: string) => ({ id, data: { type: 'message.new' as const } });
const ephemeral = (id: string) => ({ id, data: { type: 'typing' as const } });

describe('isRepeatedEvent', () => {
  it('passes everything before the first delivery', () => {
    expect(isRepeatedEvent(durable('5'), null)).toBe(false);
    expect(isRepeatedEvent(ephemeral('0'), null)).toBe(false);
  });

  it('drops a durable event at or below the last delivered id, comparing numbers', () => {
    expect(isRepeatedEvent(durable('9'), '10')).toBe(true);
    expect(isRepeatedEvent(durable('10'), '10')).toBe(true);
    expect(isRepeatedEvent(durable('11'), '10')).toBe(false);
    // As strings "9" > "10": the ids are compared as numbers.
    expect(isRepeatedEvent(durable('100'), '99')).toBe(false);
  });

  it('passes an ephemeral event carrying the last delivered id, and drops an older one', () => {
    expect(isRepeatedEvent(ephemeral('10'), '10')).toBe(false);
    expect(isRepeatedEvent({ id: '10', data: { type: 'ready' } }, '10')).toBe(false);
    expect(isRepeatedEvent(ephemeral('9'), '10')).toBe(true);
  });
});
