import { describe, expect, it, vi } from 'vitest';
import { createDrafts, draftKey } from './drafts.ts';

describe('drafts', () => {
  it('keeps one draft per conversation across reloads, and tells who listens', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
    };
    const a = createDrafts(storage, 'd');
    const listener = vi.fn();
    a.store.subscribe(listener);
    a.set('c1', 'half a thought');
    a.set('c2', 'x');
    a.set('c2', '');
    a.set('c2', '');
    expect(listener).toHaveBeenCalledTimes(3);
    const b = createDrafts(storage, 'd');
    expect(b.get('c1')).toBe('half a thought');
    expect(b.get('c2')).toBe('');
  });

  it('keys a person apart from conversations', () => {
    expect(draftKey({ conversationId: 'c1' })).toBe('c1');
    expect(draftKey({ to: 'u1' })).toBe('to:u1');
  });
});
