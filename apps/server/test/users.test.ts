import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  httpClient,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

describe('users', () => {
  it('lists everyone else, paginated, without emails', async () => {
    const me = await signUp(server, 'lister');
    const others = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(server, 'listed')));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof me.http.users.list.query>> =
        await me.http.users.list.query({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const u of page.items) {
        expect(u).not.toHaveProperty('email');
        expect(u).toHaveProperty('online');
        seen.push(u.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).not.toContain(me.user.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const o of others) expect(seen).toContain(o.user.id);
  });

  it('searches by username and display name prefix, case-insensitively', async () => {
    const me = await signUp(server, 'searcher');
    const target = await signUp(server, 'zebra');
    await target.http.users.updateProfile.mutate({ displayName: 'Quincy Jones' });
    const byName = await me.http.users.search.query({ q: 'ZEBRA' });
    expect(byName.map((u) => u.id)).toContain(target.user.id);
    const byDisplay = await me.http.users.search.query({ q: 'quin' });
    expect(byDisplay.map((u) => u.id)).toEqual([target.user.id]);
    expect(await me.http.users.search.query({ q: '%' })).toEqual([]);
    expect((await rejection(me.http.users.search.query({ q: '' }))).data?.code).toBe('BAD_REQUEST');
  });

  it('updates the profile and refuses bad values', async () => {
    const me = await signUp(server, 'profile');
    const updated = await me.http.users.updateProfile.mutate({
      displayName: '  Ada L.  ',
      bio: 'Hello',
    });
    expect(updated).toMatchObject({ displayName: 'Ada L.', bio: 'Hello' });
    expect((await me.http.auth.me.query()).displayName).toBe('Ada L.');
    const tooLong = await rejection(me.http.users.updateProfile.mutate({ bio: 'b'.repeat(281) }));
    expect(tooLong.data?.fieldErrors).toHaveProperty('bio');
    expect((await rejection(me.http.users.updateProfile.mutate({}))).data?.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('tells my other sessions about my new profile, even before I have a conversation', async () => {
    const me = await signUp(server, 'twotabs');
    const otherTab = wsClient(server, me.token);
    try {
      const events = collectEvents(otherTab.client);
      await events.ready();
      await me.http.users.updateProfile.mutate({ displayName: 'Renamed Elsewhere' });
      await waitFor(() => events.of('user.updated').length > 0, 5000, 'user.updated');
      expect(events.of('user.updated')[0]).toMatchObject({
        user: { id: me.user.id, displayName: 'Renamed Elsewhere' },
      });
    } finally {
      otherTab.close();
    }
  });

  it('refuses anonymous callers', async () => {
    const anon = httpClient(server);
    for (const call of [
      anon.users.list.query({}),
      anon.users.search.query({ q: 'a' }),
      anon.auth.me.query(),
    ]) {
      const error = await rejection(call);
      expect(error.data?.code).toBe('UNAUTHORIZED');
      expect(error.message).toBe('Sign in to do that.');
    }
  });
});
