import { describe, expect, it } from 'vitest';
import { user } from '../lib/testing.ts';
import { applyPresence, presenceOf } from './presence.ts';

describe('presence', () => {
  it('live events override query data; a snapshot resets who is online', () => {
    const seen = new Date(2026, 2, 18);
    let p = applyPresence({}, { type: 'presence', userId: 'bob', online: false, lastSeenAt: seen });
    expect(presenceOf(user({ id: 'bob', online: true }), p, true)).toEqual({
      state: 'offline',
      lastSeenAt: seen,
    });
    p = applyPresence(p, { type: 'presence.snapshot', online: ['bob', 'cy'] });
    expect(p).toEqual({
      bob: { online: true, lastSeenAt: seen },
      cy: { online: true, lastSeenAt: null },
    });
    p = applyPresence(p, { type: 'presence.snapshot', online: [] });
    expect(p.bob!.online).toBe(false);
  });

  it('trusts the freshest query for someone the stream says nothing about', () => {
    expect(presenceOf(user({ id: 'dan', online: true }), {}, true)).toEqual({ state: 'online' });
  });

  it('knows nothing about anyone while I am offline', () => {
    expect(presenceOf(user({ id: 'dan', online: true }), {}, false)).toEqual({
      state: 'unknown',
    });
  });
});
