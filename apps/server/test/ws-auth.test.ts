import { CLOSE_CODES } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';

let server: TestServer;

/** Opens a socket with the token in connectionParams; returns the server's refusal, read before it closes the socket. */
async function handshake(token: string) {
  const raw = new WebSocket(`${server.wsUrl}?connectionParams=1`);
  const message = await new Promise<string>((resolve, reject) => {
    let last = '';
    raw.on('open', () => raw.send(JSON.stringify({ method: 'connectionParams', data: { token } })));
    raw.on('message', (m) => (last = m.toString()));
    raw.on('close', () => resolve(last));
    raw.on('error', reject);
  });
  const { error } = JSON.parse(message) as {
    error: { json: { message: string; data: { code: string } } };
  };
  return { code: error.json.data.code, message: error.json.message };
}
let now = Date.now();
beforeAll(async () => {
  server = await startTestServer({ overrides: { now: () => new Date(now) } });
});
afterAll(() => server.destroy());

describe('auth over the WebSocket', () => {
  it('serves signed-in users over the socket, anonymous ones only public procedures', async () => {
    const alice = await signUp(server, 'wsalice');
    const bob = await signUp(server, 'wsbob');
    const ws = wsClient(server, alice.token);
    try {
      expect((await ws.client.auth.me.query()).id).toBe(alice.user.id);
      const found = await ws.client.users.search.query({ q: bob.username });
      expect(found.map((u) => u.id)).toEqual([bob.user.id]);
    } finally {
      ws.close();
    }
    const anon = wsClient(server);
    try {
      expect((await rejection(anon.client.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
      const login = await anon.client.auth.login.mutate({
        login: bob.username,
        password: bob.password,
      });
      expect(login.user.id).toBe(bob.user.id);
      expect(login.refreshToken).toBeTruthy();
    } finally {
      anon.close();
    }
  });

  it('closes an open socket when its session logs out', async () => {
    const carol = await signUp(server, 'wscarol');
    const closes: (number | undefined)[] = [];
    const ws = wsClient(server, carol.token, {
      onClose: (cause) => closes.push(cause?.code),
      retryDelayMs: () => 60_000,
    });
    try {
      await ws.client.auth.me.query();
      await carol.http.auth.logout.mutate();
      await waitFor(() => closes.length > 0, 5000, 'the socket to close');
      expect(closes[0]).toBe(CLOSE_CODES.sessionRevoked);
    } finally {
      ws.close();
    }
  });

  it('refuses a revoked session at the handshake', async () => {
    const dan = await signUp(server, 'wsdan');
    await dan.http.auth.logout.mutate();
    const refusal = await handshake(dan.token());
    expect(refusal.code).toBe('UNAUTHORIZED');
    expect(refusal.message).toMatch(/session has ended/);
  });

  it('refuses an expired access token on HTTP and WebSocket (clock moved forward)', async () => {
    const erin = await signUp(server, 'wserin');
    expect((await erin.http.auth.me.query()).id).toBe(erin.user.id);
    now += 16 * 60 * 1000;
    try {
      const http = await rejection(erin.http.auth.me.query());
      expect(http.data?.code).toBe('UNAUTHORIZED');
      expect(http.message).toMatch(/expired/);
      const refusal = await handshake(erin.token());
      expect(refusal.code).toBe('UNAUTHORIZED');
      expect(refusal.message).toMatch(/expired/);
    } finally {
      now -= 16 * 60 * 1000;
    }
  });

  it('closes a socket when its access token expires', async () => {
    const short = await startTestServer({ overrides: { accessTokenTtlSeconds: 1 } });
    try {
      const fay = await signUp(short, 'wsfay');
      const closes: (number | undefined)[] = [];
      const ws = wsClient(short, fay.token, {
        onClose: (cause) => closes.push(cause?.code),
        retryDelayMs: () => 60_000,
      });
      await ws.client.auth.me.query();
      await waitFor(() => closes.length > 0, 5000, 'the expiry close');
      expect(closes[0]).toBe(CLOSE_CODES.tokenExpired);
      ws.close();
    } finally {
      await short.destroy();
    }
  });
});
