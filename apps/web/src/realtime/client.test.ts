import { describe, expect, it } from 'vitest';
import { overSocket, reconnectDelayMs, watchForFallback, wsUrl } from './client.ts';

describe('session client links', () => {
  it('sends calls over the socket while it is open, HTTP otherwise; auth always over HTTP', () => {
    expect(overSocket({ type: 'mutation', path: 'chat.send' }, true)).toBe(true);
    expect(overSocket({ type: 'query', path: 'chat.history' }, true)).toBe(true);
    expect(overSocket({ type: 'mutation', path: 'chat.send' }, false)).toBe(false);
    expect(overSocket({ type: 'mutation', path: 'auth.logout' }, true)).toBe(false);
    expect(overSocket({ type: 'subscription', path: 'chat.events' }, false)).toBe(true);
  });

  it('reconnects at once, then backs off with jitter, capped', () => {
    expect(reconnectDelayMs(0)).toBe(0);
    expect(reconnectDelayMs(1, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(20, () => 1)).toBe(10_000);
    expect(reconnectDelayMs(20, () => 0)).toBe(6000);
  });

  it('speaks wss under https', () => {
    expect(wsUrl({ protocol: 'https:', host: 'chat.example' })).toBe('wss://chat.example/trpc');
    expect(wsUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/trpc');
  });
});

/** A stand-in for tRPC's `connectionState` observable: its subscribers and a way to move it. */
function socketStates() {
  const observers = new Set<{
    next(s: { state: 'idle' | 'connecting' | 'pending'; error: unknown }): void;
  }>();
  return {
    subscribe(o: { next(s: { state: 'idle' | 'connecting' | 'pending'; error: unknown }): void }) {
      observers.add(o);
      return { unsubscribe: () => observers.delete(o) };
    },
    emit(state: 'idle' | 'connecting' | 'pending', error: unknown = null) {
      for (const o of [...observers]) o.next({ state, error });
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('falling back to Server-Sent Events', () => {
  it('falls back once when the first socket fails before opening and HTTP answers', async () => {
    const states = socketStates();
    let probes = 0;
    let activated = 0;
    const fallback = watchForFallback(
      states,
      async () => (probes += 1) > 0,
      () => (activated += 1),
    );
    let heard = 0;
    fallback.onActivate(() => (heard += 1));
    states.emit('connecting');
    states.emit('connecting', new Error('upgrade refused'));
    await settle();
    states.emit('connecting', new Error('upgrade refused'));
    await settle();
    expect([fallback.active, probes, activated, heard]).toEqual([true, 1, 1, 1]);
  });

  it('keeps the socket when HTTP does not answer either, and asks again at the next failure', async () => {
    const states = socketStates();
    let probes = 0;
    const fallback = watchForFallback(
      states,
      async () => {
        probes += 1;
        throw new Error('offline');
      },
      () => undefined,
    );
    states.emit('connecting', new Error('refused'));
    await settle();
    states.emit('connecting', new Error('refused'));
    await settle();
    expect([fallback.active, probes]).toEqual([false, 2]);
  });

  it('never falls back once a socket has opened (a later drop is a reconnect)', async () => {
    const states = socketStates();
    let probes = 0;
    const fallback = watchForFallback(
      states,
      async () => (probes += 1) > 0,
      () => undefined,
    );
    states.emit('pending');
    states.emit('connecting', new Error('dropped'));
    await settle();
    expect([fallback.active, probes]).toEqual([false, 0]);
  });
});
