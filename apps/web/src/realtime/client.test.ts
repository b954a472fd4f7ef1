import { describe, expect, it } from 'vitest';
import { overSocket, reconnectDelayMs, wsUrl } from './client.ts';

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
