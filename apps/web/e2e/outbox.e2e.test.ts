/**
 * The outbox against real failures: the server going away and coming back (a restart on the
 * same port and data, so every socket really closes), a reload while a message is still
 * unsent, and a response lost after the server stored the message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  bubbles,
  openChatWith,
  openPair,
  pageErrors,
  person,
  send,
  shot,
  signUpBoth,
  startStage,
  stopStage,
  until,
  waitOnline,
  type App,
  type Browser,
  type Page,
} from './harness.ts';

interface Frame {
  id?: unknown;
  method?: string;
  params?: { path?: string };
}

/** The tRPC messages of a frame on the socket (the client batches them in arrays; PING has none). */
function parseFrame(frame: string | Buffer): Frame[] {
  try {
    const parsed = JSON.parse(frame.toString()) as Frame | Frame[];
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [];
  }
}

const sendsIn = (frame: string | Buffer) =>
  parseFrame(frame).filter((m) => m.params?.path === 'chat.send');

describe('the outbox (offline, reload, reconnect)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const alice = person('Alice');
  const bob = person('Bob');

  /** What the server stored between them, oldest first, read with the stock client. */
  async function storedTexts(): Promise<string[]> {
    const { client } = await apiAs(app, bob);
    const { items } = await client.chat.conversations.query({});
    const withAlice = items.find((c) => c.peer?.username === alice.username)!;
    const page = await client.chat.history.query({ conversationId: withAlice.id, limit: 100 });
    return page.items.map((m) => m.text);
  }

  const status = (page: Page, text: string) =>
    bubbles(page, text).getAttribute('data-status', { timeout: 2000 });
  const outboxSize = (page: Page) =>
    page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('parley.outbox.'))
        .reduce((n, k) => n + (JSON.parse(localStorage.getItem(k) ?? '[]') as unknown[]).length, 0),
    );

  beforeAll(async () => {
    ({ app, browser } = await startStage('outbox'));
    [{ page: a }, { page: b }] = await openPair(browser, app);
    await signUpBoth(a, alice, b, bob);
    await openChatWith(a, bob);
    await send(a, 'Before the outage');
    await until(
      async () => (await status(a, 'Before the outage')) === 'delivered',
      'the first message delivered',
    );
    await openChatWith(b, alice);
  });

  afterAll(() => stopStage(app, browser));

  it('queues what is written while the server is down and sends it, in order, once it is back', async () => {
    let t = Date.now();
    const lap = (what: string) => {
      console.log(what, Date.now() - t);
      t = Date.now();
    };
    await app.stop();
    lap('stop');
    await until(
      async () =>
        (await a.getByTestId('connection-state').getAttribute('data-state')) === 'reconnecting',
      'A to notice the outage',
    );
    await send(a, 'Written during the outage 1');
    await send(a, 'Written during the outage 2');
    expect(await status(a, 'Written during the outage 1')).toBe('pending');
    expect(await status(a, 'Written during the outage 2')).toBe('pending');
    expect(await a.getByRole('img', { name: 'Sending' }).count()).toBe(2);
    expect(await outboxSize(a)).toBe(2);
    await until(
      async () => (await a.getByTestId('connection-state').innerText()) === 'Reconnecting…',
      'the badge',
    );
    await shot(a, 'queued-while-server-down');

    lap('queued');
    await app.restart();
    lap('restart');
    await waitOnline(a, 30_000);
    await waitOnline(b, 30_000);
    lap('online');
    for (const text of ['Written during the outage 1', 'Written during the outage 2']) {
      await until(async () => (await status(a, text)) === 'read', `"${text}" read by B`, 30_000);
    }
    expect(await outboxSize(a)).toBe(0);
    await shot(a, 'sent-after-restart');
    await shot(b, 'bob-got-them-in-order');

    const onScreen = await b.getByTestId('message-text').allInnerTexts();
    expect(onScreen).toEqual([
      'Before the outage',
      'Written during the outage 1',
      'Written during the outage 2',
    ]);
    expect(await storedTexts()).toEqual(onScreen);
  });

  it('keeps an unsent message across a reload, survives a lost response, and stores it once', async () => {
    const text = 'Written before a reload';
    // Sends go over the WebSocket: the network "drops" each one by closing the socket under it.
    let mode: 'drop' | 'lose-response' | 'pass' = 'drop';
    let lost = 0;
    await a.routeWebSocket(/\/trpc/, (ws) => {
      const server = ws.connectToServer();
      const sends = new Set<unknown>();
      ws.onMessage((frame) => {
        const calls = sendsIn(frame);
        if (calls.length && mode === 'drop')
          return ws.close({ code: 4000, reason: 'network gone' });
        if (mode === 'lose-response') for (const call of calls) sends.add(call.id);
        server.send(frame);
      });
      server.onMessage((frame) => {
        const replies = parseFrame(frame);
        if (mode === 'lose-response' && replies.some((r) => sends.has(r.id))) {
          // Stored by the server, but the answer never arrives: the connection dies first.
          mode = 'pass';
          lost += 1;
          return ws.close({ code: 4000, reason: 'connection reset' });
        }
        ws.send(frame);
      });
    });
    await a.reload();
    await waitOnline(a);
    await send(a, text);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await status(a, text)).toBe('pending');
    expect(await outboxSize(a)).toBe(1);

    await a.reload();
    await waitOnline(a);
    await bubbles(a, text).waitFor();
    expect(await status(a, text)).toBe('pending');
    // Opened with a queued message: at the bottom, not at the top.
    const list = a.getByTestId('message-list');
    await until(
      () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 5),
      'the list to be at the bottom after the reload',
    );
    await shot(a, 'still-queued-after-reload');

    // Now the send gets through and is stored, but its response is lost on the way back.
    mode = 'lose-response';
    await until(() => lost > 0, 'a send whose response is lost', 40_000);
    expect(await storedTexts()).toContain(text);
    // The event stream's echo of the stored message (or the retry with the same clientMessageId,
    // which gets the original back) acknowledges it: it is not stored twice.
    await until(
      async () => (await status(a, text)) === 'read',
      'the message to be acknowledged and read',
      40_000,
    );
    expect(await outboxSize(a)).toBe(0);
    expect(await bubbles(a, text).count()).toBe(1);
    await bubbles(b, text).waitFor();
    expect(await bubbles(b, text).count()).toBe(1);
    expect((await storedTexts()).filter((t) => t === text)).toHaveLength(1);
    await shot(a, 'sent-once');
  });

  it('a message the server refuses is marked failed, with retry and delete', async () => {
    const text = 'Refused by the server';
    // A permanent refusal, as the server would answer bad input.
    let refuse = true;
    await a.routeWebSocket(/\/trpc/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        const [call] = sendsIn(frame);
        if (refuse && call) {
          ws.send(
            JSON.stringify({
              id: call.id,
              error: {
                json: {
                  message: 'text: A message can be at most 4000 characters.',
                  code: -32600,
                  data: {
                    code: 'BAD_REQUEST',
                    httpStatus: 400,
                    path: 'chat.send',
                    fieldErrors: null,
                    retryAfterSeconds: null,
                  },
                },
              },
            }),
          );
          return;
        }
        server.send(frame);
      });
      server.onMessage((frame) => ws.send(frame));
    });
    await a.reload();
    await waitOnline(a);
    await send(a, text);
    await until(async () => (await status(a, text)) === 'failed', 'the failed state');
    await a.getByTestId('toast').first().waitFor();
    await shot(a, 'failed-with-retry');
    refuse = false;
    await a.getByRole('button', { name: 'Retry' }).click();
    await until(async () => (await status(a, text)) === 'read', 'the retried message read');
    expect(pageErrors).toEqual([]);
  });
});
