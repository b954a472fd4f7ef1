import { describe, expect, it } from 'vitest';
import { message } from '../lib/testing.ts';
import { createEventCursor } from './event-stream.ts';
import { connectionState } from './connection.ts';

const msg = { type: 'message.new' as const, message: message({ seq: 1, senderId: 'bob' }) };
const typing = { type: 'typing' as const, conversationId: 'c1', userId: 'bob', isTyping: true };

describe('event cursor', () => {
  it('drops a durable event at or below the last handled, with ids that skip', () => {
    const cursor = createEventCursor();
    expect(cursor.accept('41', { type: 'presence.snapshot', online: [] })).toBe(true);
    expect(cursor.lastEventId).toBe('41');
    expect(cursor.accept('97', msg)).toBe(true);
    expect(cursor.accept('97', msg)).toBe(false);
    expect(cursor.accept('60', msg)).toBe(false);
    expect(cursor.accept('1000', msg)).toBe(true);
    expect(cursor.lastEventId).toBe('1000');
  });

  it('treats every event the server does not call ephemeral as durable (actions, settings…)', () => {
    const cursor = createEventCursor();
    const reaction = {
      type: 'reaction.added' as const,
      conversationId: 'c1',
      messageId: 'm1',
      emoji: '👍',
      userId: 'bob',
    };
    expect(cursor.accept('5', reaction)).toBe(true);
    expect(cursor.accept('5', reaction)).toBe(false);
    expect(
      cursor.accept('6', { type: 'message.hidden', conversationId: 'c1', messageId: 'm1' }),
    ).toBe(true);
    expect(
      cursor.accept('6', { type: 'message.hidden', conversationId: 'c1', messageId: 'm1' }),
    ).toBe(false);
  });

  it('never drops an ephemeral event, which carries the current position', () => {
    const cursor = createEventCursor();
    cursor.accept('10', msg);
    expect(cursor.accept('10', typing)).toBe(true);
    expect(cursor.accept('9', typing)).toBe(true);
    expect(cursor.lastEventId).toBe('10');
  });

  it('compares as numbers, not strings', () => {
    const cursor = createEventCursor();
    cursor.accept('9', msg);
    expect(cursor.accept('10', msg)).toBe(true);
  });
});

describe('connection state', () => {
  const facts = { networkUp: true, socketOpen: true, ready: true, everOnline: true };
  it('is online only when the stream is live', () => {
    expect(connectionState(facts)).toBe('online');
    expect(connectionState({ ...facts, ready: false })).toBe('reconnecting');
    expect(connectionState({ ...facts, ready: false, everOnline: false })).toBe('connecting');
    expect(connectionState({ ...facts, networkUp: false })).toBe('offline');
  });
});
