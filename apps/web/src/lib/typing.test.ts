import { describe, expect, it, vi } from 'vitest';
import {
  applyTyping,
  createTypingSender,
  isTyping,
  nextExpiry,
  pruneTyping,
  TYPING_EXPIRY_MS,
} from './typing.ts';

describe('typing indicator', () => {
  it('shows on isTyping, hides on stop', () => {
    let s = applyTyping({}, { userId: 'bob', isTyping: true }, 1000);
    expect(isTyping(s, 'bob', 1000)).toBe(true);
    s = applyTyping(s, { userId: 'bob', isTyping: false }, 2000);
    expect(isTyping(s, 'bob', 2000)).toBe(false);
  });

  it('expires by itself when the stop is lost', () => {
    const s = applyTyping({}, { userId: 'bob', isTyping: true }, 1000);
    expect(isTyping(s, 'bob', 1000 + TYPING_EXPIRY_MS - 1)).toBe(true);
    expect(isTyping(s, 'bob', 1000 + TYPING_EXPIRY_MS)).toBe(false);
    expect(nextExpiry(s)).toBe(1000 + TYPING_EXPIRY_MS);
    expect(pruneTyping(s, 1000 + TYPING_EXPIRY_MS)).toEqual({});
    expect(pruneTyping(s, 1000)).toBe(s);
  });

  it('a refresh extends the expiry', () => {
    let s = applyTyping({}, { userId: 'bob', isTyping: true }, 1000);
    s = applyTyping(s, { userId: 'bob', isTyping: true }, 5000);
    expect(isTyping(s, 'bob', 1000 + TYPING_EXPIRY_MS + 100)).toBe(true);
  });

  it('stopping someone who is not typing changes nothing', () => {
    const s = {};
    expect(applyTyping(s, { userId: 'x', isTyping: false }, 0)).toBe(s);
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
