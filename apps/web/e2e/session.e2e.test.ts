/**
 * Long-lived sessions with a 6-second access token: the client refreshes before expiry (two
 * tabs of one person must not race and trip refresh-token reuse detection), the server closes
 * each socket when the token it was opened with expires (4001) and the client reconnects with
 * a fresh one, resuming its event stream. Logging out in one tab ends the other (4003).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubbles,
  conversationItem,
  openChatWith,
  openPerson,
  pageErrors,
  person,
  send,
  shot,
  signUp,
  startStage,
  stopStage,
  textOf,
  trackErrors,
  until,
  waitOnline,
  type App,
  type Browser,
  type Page,
} from './harness.ts';

const TOKEN_SECONDS = 6;

describe('sessions across token expiry and tabs', () => {
  let app: App;
  let browser: Browser;
  let a1: Page;
  let a2: Page;
  let b: Page;
  const alice = person('Alice');
  const bob = person('Bob');

  beforeAll(async () => {
    ({ app, browser } = await startStage('session', { accessTokenTtlSeconds: TOKEN_SECONDS }));
    const first = await openPerson(browser, app);
    a1 = first.page;
    a2 = await first.context.newPage();
    trackErrors(a2);
    ({ page: b } = await openPerson(browser, app));
  });

  afterAll(() => stopStage(app, browser));

  it('stays signed in and live over several token lifetimes, in two tabs', async () => {
    await signUp(a1, alice);
    await a2.goto('/');
    await waitOnline(a2);
    await signUp(b, bob);
    await openChatWith(b, alice);

    // Three token lifetimes: each tab refreshes, and every socket is closed and reopened.
    await new Promise((r) => setTimeout(r, TOKEN_SECONDS * 3 * 1000));
    for (const page of [a1, a2, b]) {
      await waitOnline(page);
      expect(await page.getByRole('tab', { name: 'Log in' }).count()).toBe(0);
    }

    await send(b, 'Still there after all those refreshes?');
    for (const page of [a1, a2]) {
      await until(
        async () => (await textOf(conversationItem(page, bob).getByTestId('unread-badge'))) === '1',
        'the live badge in both tabs',
      );
    }
    await conversationItem(a1, bob).click();
    await send(a1, 'Yes, still here.');
    await bubbles(b, 'Yes, still here.').waitFor();
    await until(
      async () =>
        (await bubbles(b, 'Still there after all those refreshes?').getAttribute('data-status')) ===
        'read',
      'read ticks',
    );
    await shot(a1, 'alice-after-refreshes');
  });

  it('logging out in one tab signs the other tab out too', async () => {
    await a2.getByRole('button', { name: 'Log out' }).click();
    await a2.getByRole('tab', { name: 'Log in' }).waitFor();
    await a1.getByRole('tab', { name: 'Log in' }).waitFor({ timeout: 15_000 });
    // Calm news, not a red error.
    expect(await textOf(a1.getByTestId('auth-notice'))).toMatch(/signed out/);
    expect(await a1.getByRole('alert').count()).toBe(0);
    await shot(a1, 'other-tab-signed-out');
    expect(pageErrors).toEqual([]);
  });
});
