import { createLocalBus } from '@parley/bus';
import { describe, expect, it } from 'vitest';
import { createConnections, ENDED_SOCKET_GRACE_MS, SOCKET_ENDED } from './connections.ts';
import type { Presence } from './presence.ts';

/** A socket that records how it was ended. */
function socket() {
  const ends: string[] = [];
  return {
    ends,
    close: (code: number) => void ends.push(`close ${code}`),
    terminate: () => void ends.push('terminate'),
  };
}

const presence = {
  connected: async () => undefined,
  disconnected: async () => undefined,
} as unknown as Presence;

async function connections() {
  const bus = createLocalBus();
  const made = createConnections({ bus, presence, now: () => new Date() });
  await made.start();
  return made;
}

const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('createConnections', () => {
  it('ends a socket at once when its session is revoked, closes it, and destroys it after the grace', async () => {
    const tied = await connections();
    const live = socket();
    const { session } = await tied.register({
      userId: 'u1',
      sessionId: 's1',
      accessTokenExpiresAt: inAnHour(),
      socket: live,
    });
    expect(session.ended).toBeNull();
    await tied.revokeSession('s1');
    expect(session.ended).toBe(SOCKET_ENDED.sessionRevoked);
    await new Promise((resolve) => setImmediate(resolve));
    expect(live.ends).toEqual(['close 4003']);
    await new Promise((resolve) => setTimeout(resolve, ENDED_SOCKET_GRACE_MS + 50));
    expect(live.ends).toEqual(['close 4003', 'terminate']);
  });

  it('ends a socket that registers just after its session was revoked', async () => {
    const tied = await connections();
    await tied.revokeSession('s2');
    const { session } = await tied.register({
      userId: 'u2',
      sessionId: 's2',
      accessTokenExpiresAt: inAnHour(),
      socket: socket(),
    });
    expect(session.ended).toBe(SOCKET_ENDED.sessionRevoked);
  });

  it('ends a socket when its access token expires', async () => {
    const tied = await connections();
    const live = socket();
    const { session, release } = await tied.register({
      userId: 'u3',
      sessionId: 's3',
      accessTokenExpiresAt: new Date(Date.now() + 50),
      socket: live,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(session.ended).toBe(SOCKET_ENDED.tokenExpired);
    expect(live.ends).toEqual(['close 4001']);
    // Once released (the socket closed), nothing more happens to it.
    await release();
    await new Promise((resolve) => setTimeout(resolve, ENDED_SOCKET_GRACE_MS + 50));
    expect(live.ends).toEqual(['close 4001']);
  });
});
