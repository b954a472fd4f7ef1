/**
 * The main flow at 375 px wide (a phone), in the dark theme: the list and the conversation are
 * two screens, with a back button between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubbles,
  conversationItem,
  openPair,
  pageErrors,
  person,
  PHONE,
  send,
  shot,
  signUpBoth,
  startStage,
  stopStage,
  textOf,
  until,
  type App,
  type Browser,
  type Page,
} from './harness.ts';

describe('Parley at 375 px (dark theme)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const alice = person('Alice');
  const bob = person('Bob');

  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  beforeAll(async () => {
    ({ app, browser } = await startStage('mobile'));
    [{ page: a }, { page: b }] = await openPair(browser, app, PHONE, 'dark');
  });

  afterAll(() => stopStage(app, browser));

  it('signs up and shows the list as its own screen', async () => {
    await a.goto('/');
    await shot(a, 'auth');
    await signUpBoth(a, alice, b, bob);
    expect(await a.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0);
    expect(await noHorizontalScroll(a)).toBe(true);
    await shot(a, 'list-empty');
  });

  it('A finds B; the conversation replaces the list; B gets a badge', async () => {
    await a.getByLabel('Search people and groups').fill(bob.username.slice(0, 6));
    await a.locator(`[data-testid="search-result"][data-username="${bob.username}"]`).waitFor();
    await shot(a, 'search');
    await a.locator(`[data-testid="search-result"][data-username="${bob.username}"]`).click();
    await a.getByTestId('peer-name').waitFor();
    expect(await a.getByLabel('Search people and groups').isVisible()).toBe(false);
    // No zoom on focus (16 px or more), and the placeholder stays on one line.
    const box = a.getByRole('textbox', { name: 'Message', exact: true });
    const metrics = await box.evaluate((el) => ({
      fontSize: parseFloat(getComputedStyle(el).fontSize),
      lineHeight: parseFloat(getComputedStyle(el).lineHeight),
      height: el.getBoundingClientRect().height,
    }));
    expect(metrics.fontSize).toBeGreaterThanOrEqual(16);
    expect(metrics.height).toBeLessThan(metrics.lineHeight * 2 + 4);
    await send(a, 'Hello from my phone! 📱');
    await send(
      a,
      'This is a longer message to see how the bubbles wrap on a narrow screen like this one.',
    );
    await bubbles(a, 'Hello from my phone! 📱').waitFor();
    expect(await noHorizontalScroll(a)).toBe(true);
    await shot(a, 'conversation');

    const item = conversationItem(b, alice);
    await until(
      async () => (await textOf(item.getByTestId('unread-badge'))) === '2',
      'the badge on B',
    );
    await shot(b, 'list-with-badge');
  });

  it('B opens it, A sees read ticks, and both can go back to the list', async () => {
    await conversationItem(b, alice).click();
    await bubbles(b, 'Hello from my phone! 📱').waitFor();
    const box = b.getByRole('textbox', { name: 'Message', exact: true });
    await box.pressSequentially('Got it', { delay: 30 });
    await a.getByTestId('typing-indicator').waitFor({ timeout: 10_000 });
    await shot(a, 'typing');
    // On a touch screen Return breaks the line; the send button sends.
    await box.press('Enter');
    await box.pressSequentially('see you soon', { delay: 10 });
    expect(await box.inputValue()).toBe('Got it\nsee you soon');
    expect(await b.getByTestId('message').filter({ hasText: 'see you soon' }).count()).toBe(0);
    await b.getByRole('button', { name: 'Send', exact: true }).click();
    await bubbles(a, 'Got it\nsee you soon').waitFor();
    await until(
      async () =>
        (await bubbles(a, 'Hello from my phone! 📱').getAttribute('data-status')) === 'read',
      'read ticks on A',
    );
    await shot(b, 'bob-conversation');
    await shot(a, 'read-ticks');

    await a.getByRole('link', { name: 'Back to conversations' }).click();
    await conversationItem(a, bob).waitFor();
    expect(await textOf(conversationItem(a, bob).getByTestId('conversation-preview'))).toBe(
      'Got it see you soon',
    );
    await shot(a, 'back-to-list');
    // The browser's back button works the same way.
    await b.goBack();
    await conversationItem(b, alice).waitFor();
    expect(await b.getByLabel('Search people and groups').isVisible()).toBe(true);
  });

  it('opens the profile as its own screen', async () => {
    await a.getByRole('link', { name: /your profile/ }).click();
    await a.getByLabel('Bio').fill('x'.repeat(281));
    await a.getByRole('button', { name: 'Save' }).click();
    await a.getByTestId('field-error').waitFor();
    expect(await textOf(a.getByTestId('field-error'))).toBe('Bio must be at most 280 characters.');
    await shot(a, 'profile-error');
    expect(pageErrors).toEqual([]);
  });
});
