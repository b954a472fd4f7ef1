import { describe, expect, it } from 'vitest';
import { conversation, group, user } from '../../lib/testing.ts';
import { forwardTargets } from './forward-targets.ts';

describe('forwardTargets', () => {
  const bob = conversation({ id: 'c1', peer: user({ id: 'bob', displayName: 'Bob Stone' }) });
  const climbers = group({ id: 'g1', title: 'Climbers' });
  const left = group({ id: 'g2', title: 'Old climbers', myRole: null });
  const closed = conversation({ id: 'c2', closed: true, peer: user({ id: 'cy' }) });
  const all = [bob, climbers, left, closed];

  it('offers the conversations I can write in', () => {
    expect(forwardTargets(all, '').map((c) => c.id)).toEqual(['c1', 'g1']);
  });

  it('matches any part of the name, in any case', () => {
    expect(forwardTargets(all, ' STONE').map((c) => c.id)).toEqual(['c1']);
    expect(forwardTargets(all, 'climb').map((c) => c.id)).toEqual(['g1']);
    expect(forwardTargets(all, 'nobody')).toEqual([]);
  });
});
