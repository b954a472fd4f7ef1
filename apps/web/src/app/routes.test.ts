import { describe, expect, it } from 'vitest';
import { parseRoute, routePath, type Route } from './routes.ts';

describe('routes', () => {
  it.each<Route>([
    { name: 'home' },
    { name: 'conversation', conversationId: 'c 1/x' },
    { name: 'conversation', conversationId: 'c1', info: true },
    { name: 'person', userId: 'u1' },
    { name: 'profile' },
    { name: 'newGroup' },
    { name: 'browse' },
    { name: 'settings' },
    { name: 'adminReports' },
  ])('round-trips %o', (route) => {
    expect(parseRoute(routePath(route))).toEqual(route);
  });

  it('sends anything else home, bad escapes included', () => {
    expect(parseRoute('/nope')).toEqual({ name: 'home' });
    expect(parseRoute('/c/%E0%A4%A')).toEqual({ name: 'home' });
  });
});
