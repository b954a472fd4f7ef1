import { describe, expect, it, vi } from 'vitest';
import { createPositionSender } from './receipts.ts';

describe('position sender', () => {
  it('coalesces a burst into one call for the newest, and never goes back', async () => {
    const runs: (() => void)[] = [];
    const send = vi.fn(async () => undefined);
    const sender = createPositionSender(send, (fn) => runs.push(fn));
    sender.advance('c1', { id: 'm1', seq: 1 });
    sender.advance('c1', { id: 'm3', seq: 3 });
    sender.advance('c1', { id: 'm2', seq: 2 });
    sender.advance('c2', { id: 'x1', seq: 1 });
    expect(runs).toHaveLength(1);
    runs.shift()!();
    expect(send.mock.calls).toEqual([
      ['c1', { id: 'm3', seq: 3 }],
      ['c2', { id: 'x1', seq: 1 }],
    ]);
    expect(sender.advance('c1', { id: 'm2', seq: 2 })).toBe(false);
    expect(runs).toHaveLength(0);
  });

  it('tries again after a failed call', async () => {
    const runs: (() => void)[] = [];
    const send = vi.fn().mockRejectedValueOnce(new Error('socket closed')).mockResolvedValue(1);
    const sender = createPositionSender(send, (fn) => runs.push(fn));
    sender.advance('c1', { id: 'm1', seq: 1 });
    runs.shift()!();
    await vi.waitFor(() => expect(sender.advance('c1', { id: 'm1', seq: 1 })).toBe(true));
    runs.shift()!();
    expect(send).toHaveBeenCalledTimes(2);
  });
});
