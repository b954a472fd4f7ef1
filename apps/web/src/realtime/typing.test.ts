import { describe, expect, it, vi } from 'vitest';
import {
  applyTyping,
  createTypingGate,
  createTypingSender,
  describeTyping,
  pruneTyping,
  TYPING_EXPIRY_MS,
  TYPING_GATE_MS,
  typingIn,
} from './typing.ts';

const bob = (isTyping: boolean) => ({ conversationId: 'c1', userId: 'bob', isTyping });

describe('typing indicator', () => {
  it('shows on isTyping, hides on stop, per conversation', () => {
    let s = applyTyping({}, bob(true), 1000);
    expect(typingIn(s, 'c1', 1000)).toEqual(['bob']);
    expect(typingIn(s, 'c2', 1000)).toEqual([]);
    s = applyTyping(s, bob(false), 2000);
    expect(typingIn(s, 'c1', 2000)).toEqual([]);
  });

  it('expires by itself when the stop is lost', () => {
    const s = applyTyping({}, bob(true), 1000);
    expect(typingIn(s, 'c1', 1000 + TYPING_EXPIRY_MS - 1)).toEqual(['bob']);
    expect(typingIn(s, 'c1', 1000 + TYPING_EXPIRY_MS)).toEqual([]);
    expect(pruneTyping(s, 1000 + TYPING_EXPIRY_MS)).toEqual({});
    expect(pruneTyping(s, 1000)).toBe(s);
  });

  it('a refresh extends the expiry; stopping someone who is not typing changes nothing', () => {
    let s = applyTyping({}, bob(true), 1000);
    s = applyTyping(s, bob(true), 5000);
    expect(typingIn(s, 'c1', 1000 + TYPING_EXPIRY_MS + 100)).toEqual(['bob']);
    const none = {};
    expect(applyTyping(none, bob(false), 0)).toBe(none);
  });

  it('names who is typing', () => {
    expect(describeTyping([])).toBeNull();
    expect(describeTyping(['Alice'])).toBe('Alice is typing');
    expect(describeTyping(['Alice', 'Bob'])).toBe('Alice and Bob are typing');
    expect(describeTyping(['Alice', 'Bob', 'Cy'])).toBe('3 people are typing');
  });
});

describe('typing sender', () => {
  it('throttles "typing" and sends "stopped" once', () => {
    let t = 0;
    const send = vi.fn();
    const sender = createTypingSender(send, () => t);
    sender.input('h');
    t = 1000;
    sender.input('he');
    t = 3100;
    sender.input('hel');
    expect(send.mock.calls).toEqual([[true], [true]]);
    sender.stop();
    sender.stop();
    expect(send.mock.calls).toEqual([[true], [true], [false]]);
  });

  it('clearing the text counts as stopping; blank text never announces', () => {
    const send = vi.fn();
    const sender = createTypingSender(send, () => 0);
    sender.input('   ');
    expect(send).not.toHaveBeenCalled();
    sender.input('x');
    sender.input('');
    expect(send.mock.calls).toEqual([[true], [false]]);
  });
});

describe('typing gate', () => {
  it('sends at most one update per interval, the latest per conversation, never losing a stop', () => {
    let t = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const send = vi.fn();
    const gate = createTypingGate(send, {
      now: () => t,
      setTimeout: (fn, ms) => timers.push({ at: t + ms, fn }),
    });
    const advance = (to: number) => {
      t = to;
      for (let i = timers.findIndex((x) => x.at <= to); i >= 0;) {
        timers.splice(i, 1)[0]!.fn();
        i = timers.findIndex((x) => x.at <= to);
      }
    };
    gate.push('c1', true);
    gate.push('c1', false);
    gate.push('c2', true);
    gate.push('c1', true);
    gate.push('c1', false);
    expect(send.mock.calls).toEqual([['c1', true]]);
    advance(TYPING_GATE_MS);
    advance(TYPING_GATE_MS * 2);
    expect(send.mock.calls).toEqual([
      ['c1', true],
      ['c2', true],
      ['c1', false],
    ]);
    // 1000 pushes in a second reach the server as a handful of calls.
    for (let i = 0; i < 1000; i++) gate.push('c3', i % 2 === 0);
    advance(TYPING_GATE_MS * 3);
    expect(send.mock.calls.length).toBeLessThanOrEqual(5);
    expect(send.mock.calls.at(-1)).toEqual(['c3', false]);
  });
});
