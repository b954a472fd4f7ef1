/**
 * Slow and greedy HTTP clients: a request must arrive in time (headers and body), a batch asks
 * for a bounded amount of work, and a client that stops reading its answer is disconnected
 * instead of holding the answer in the server's memory.
 */
import { MAX_BATCH_SIZE } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { signUp, startTestServer, waitFor, type TestServer } from '../harness.ts';
import { rawHttp, settledHeapMiB, sleep } from './support.ts';

const REQUEST_TIMEOUT_MS = 1000;
const IDLE_TIMEOUT_MS = 1000;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    env: {
      LOG_LEVEL: 'error',
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    },
  });
});
afterAll(() => s.destroy());

const host = () => new URL(s.url).host;

describe('slow requests', () => {
  it('cuts off a body that trickles in, with 408 and the security headers', async () => {
    const head = `POST /trpc/auth.login HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const trickle = Array.from({ length: 100 }, () => ' ');
    const answer = await rawHttp(s.url, [head, ...trickle], { gapMs: 200, timeoutMs: 10_000 });
    expect(answer.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      error: 'TIMEOUT',
      message: 'The request took too long to arrive.',
    });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('cuts off headers that trickle in (slowloris)', async () => {
    const request = `GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-Slow: ${'s'.repeat(200)}\r\n\r\n`;
    const answer = await rawHttp(s.url, [...request], { gapMs: 50, timeoutMs: 10_000 });
    expect(answer.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
    expect(answer.status).toBe(408);
  });

  it('still serves a request that arrives in time', async () => {
    const answer = await rawHttp(s.url, [
      `GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`,
    ]);
    expect(answer.status).toBe(200);
  });
});

describe('answers nobody reads', () => {
  it('disconnects clients that stop reading their answers; the memory they held is freed', async () => {
    const alice = await signUp(s, 'reader_a');
    const bob = await signUp(s, 'reader_b');
    // 100 messages of 4,000 characters: a batch of the largest history pages is about 4 MB.
    let conversationId = '';
    for (let i = 0; i < 100; i += 20) {
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          alice.http.chat.send.mutate({
            to: bob.user.id,
            text: `${i + j} `.padEnd(4000, 'x'),
            clientMessageId: `reader-${i + j}-${alice.user.id}`,
          }),
        ),
      );
      conversationId = sent[0]!.conversationId;
    }
    const input = encodeURIComponent(
      JSON.stringify(
        Object.fromEntries(
          Array.from({ length: MAX_BATCH_SIZE }, (_, i) => [
            i,
            { json: { conversationId, limit: 100 } },
          ]),
        ),
      ),
    );
    const paths = Array.from({ length: MAX_BATCH_SIZE }, () => 'chat.history').join(',');
    const request =
      `GET /trpc/${paths}?batch=1&input=${input} HTTP/1.1\r\nHost: ${host()}\r\n` +
      `Authorization: Bearer ${alice.token()}\r\n\r\n`;

    const serverSockets = new Set<Socket>();
    const track = (socket: Socket) => serverSockets.add(socket);
    s.app.server.on('connection', track);
    const heapBefore = await settledHeapMiB();
    const readers: Socket[] = [];
    for (let i = 0; i < 8; i++) {
      const { port, hostname } = new URL(s.url);
      const reader = connect(Number(port), hostname);
      reader.on('error', () => undefined);
      // It never reads: the answer stays in the server's buffers.
      reader.pause();
      reader.write(request);
      readers.push(reader);
    }
    await waitFor(() => serverSockets.size === 8, 5000, 'the 8 connections');
    await sleep(300);
    const heapStuck = await settledHeapMiB();
    // Within the idle timeout (and Node's check), every stuck connection is destroyed.
    await waitFor(
      () => [...serverSockets].every((socket) => socket.destroyed),
      IDLE_TIMEOUT_MS + 5000,
      'the server to drop the clients that stopped reading',
    );
    const heapAfter = await settledHeapMiB();
    s.app.server.off('connection', track);
    for (const reader of readers) reader.destroy();
    console.info(
      `non-reading clients: heap ${heapBefore.toFixed(1)} -> ${heapStuck.toFixed(1)} (8 stuck) -> ${heapAfter.toFixed(1)} MiB (dropped)`,
    );
    expect(heapAfter - heapBefore).toBeLessThan(16);
    // The server still answers.
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
