import { describe, expect, it, vi } from 'vitest';
import { user } from '../lib/testing.ts';
import { createDirectory } from './directory.ts';

describe('directory', () => {
  it('fetches unknown ids once, in one batch', async () => {
    let run: (() => void) | null = null;
    const fetchUsers = vi.fn(async (ids: string[]) => ids.map((id) => user({ id })));
    const dir = createDirectory(fetchUsers, (fn) => (run = fn));
    dir.note([user({ id: 'ann' })]);
    dir.want(['ann', 'bob', 'cy']);
    dir.want(['bob']);
    run!();
    await vi.waitFor(() => expect(dir.people.get().cy).toBeDefined());
    expect(fetchUsers.mock.calls).toEqual([[['bob', 'cy']]]);
    dir.want(['bob', 'cy']);
    expect(fetchUsers).toHaveBeenCalledTimes(1);
  });

  it('asks again after a failure, and on refresh', async () => {
    const runs: (() => void)[] = [];
    const fetchUsers = vi
      .fn<(ids: string[]) => Promise<ReturnType<typeof user>[]>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockImplementation(async (ids) => ids.map((id) => user({ id, online: true })));
    const dir = createDirectory(fetchUsers, (fn) => runs.push(fn));
    dir.want(['bob']);
    runs.shift()!();
    await vi.waitFor(() => expect(fetchUsers).toHaveBeenCalledTimes(1));
    await Promise.resolve();
    dir.want(['bob']);
    runs.shift()!();
    await vi.waitFor(() => expect(dir.people.get().bob?.online).toBe(true));
    dir.refresh(['bob']);
    runs.shift()!();
    expect(fetchUsers).toHaveBeenCalledTimes(3);
  });
});
