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
    const found = await client.users.search.query({ q: alice.username });
    const aliceId = found.find((u) => u.username === alice.username)!.id;
    const page = await client.chat.history.query({ withUserId: aliceId, limit: 100 });
    return page.items.map((m) => m.text).reverse();
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
    const isSend = (url: URL) => url.pathname.includes('chat.send');
    // The network drops every send: the message stays queued.
    await a.route(isSend, (route) => route.abort('internetdisconnected'));
    await send(a, text);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await status(a, text)).toBe('pending');
    expect(await outboxSize(a)).toBe(1);

    await a.reload();
    await waitOnline(a);
    await bubbles(a, text).waitFor();
    expect(await status(a, text)).toBe('pending');
    await shot(a, 'still-queued-after-reload');

    // Now the request gets through and is stored, but its response is lost on the way back.
    await a.unroute(isSend);
    let lost = 0;
    await a.route(isSend, async (route) => {
      if (lost > 0) return route.continue();
      await route.fetch();
      lost += 1;
      await route.abort('connectionreset');
    });
    await until(() => lost > 0, 'a send whose response is lost', 40_000);
    expect(await storedTexts()).toContain(text);
    // The event stream's echo of the stored message (or the retry with the same clientMessageId,
    // which gets the original back) acknowledges it: it is not stored twice.
    await until(
      async () => (await status(a, text)) === 'read',
      'the message to be acknowledged and read',
      40_000,
    );
    await a.unroute(isSend);
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
    await a.route(
      (url) => url.pathname.includes('chat.send'),
      (route) =>
        route.fulfill({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify([
            {
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
            },
          ]),
        }),
    );
    await send(a, text);
    await until(async () => (await status(a, text)) === 'failed', 'the failed state');
    await a.getByTestId('toast').first().waitFor();
    await shot(a, 'failed-with-retry');
    await a.unrouteAll();
    await a.getByRole('button', { name: 'Retry' }).click();
    await until(async () => (await status(a, text)) === 'read', 'the retried message read');
    expect(pageErrors).toEqual([]);
  });
});
