/**
 * The main flow on a desktop viewport: two people in two browser contexts, everything live,
 * against the real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  bubbles,
  conversationItem,
  openChatWith,
  openPair,
  openPerson,
  pageErrors,
  person,
  send,
  shot,
  signUp,
  startStage,
  stopStage,
  textOf,
  until,
  waitOnline,
  type App,
  type Browser,
  type BrowserContext,
  type Page,
} from './harness.ts';

describe('Parley in Chromium (desktop)', () => {
  let app: App;
  let browser: Browser;
  let ctxB: BrowserContext;
  let a: Page;
  let b: Page;
  const alice = person('Alice');
  const bob = person('Bob');

  beforeAll(async () => {
    ({ app, browser } = await startStage('desktop'));
    [{ page: a }, { context: ctxB, page: b }] = await openPair(browser, app);
  });

  afterAll(() => stopStage(app, browser));

  it('shows field errors from the client checks and from the server', async () => {
    await a.goto('/');
    await a.getByRole('tab', { name: 'Sign up' }).click();
    await a.getByLabel('Username').fill('x');
    await a.getByLabel('Email').fill('not-an-email');
    await a.getByLabel('Password').fill('short');
    await a.getByRole('button', { name: 'Create account' }).click();
    const errors = await a.getByTestId('field-error').allInnerTexts();
    expect(errors).toEqual([
      'Username must be at least 3 characters.',
      'Enter a valid email address.',
      'Password must be at least 10 characters.',
    ]);
    await shot(a, 'signup-field-errors');

    await signUp(a, alice);
    await shot(a, 'alice-signed-in');

    // The server's own field error: the username is taken.
    await b.goto('/');
    await b.getByRole('tab', { name: 'Sign up' }).click();
    await b.getByLabel('Username').fill(alice.username);
    await b.getByLabel('Email').fill(`other-${alice.username}@example.com`);
    await b.getByLabel('Password').fill('another long password');
    await b.getByRole('button', { name: 'Create account' }).click();
    const taken = b.getByTestId('field-error');
    await taken.waitFor();
    expect(await textOf(taken)).toMatch(/username/i);
    await shot(b, 'signup-username-taken');

    // Wrong password on login: a form-level message.
    await b.getByRole('tab', { name: 'Log in' }).click();
    await b.getByLabel('Username or email').fill(alice.username);
    await b.getByLabel('Password').fill('wrong password!');
    await b.getByRole('button', { name: 'Log in' }).click();
    await b.getByRole('alert').waitFor();
    await shot(b, 'login-wrong-password');

    await signUp(b, bob);
  });

  it('A finds B and sends; B sees it live with an unread badge', async () => {
    await openChatWith(a, bob);
    await send(a, 'Hi Bob! Are we still on for lunch?');
    const mine = bubbles(a, 'Hi Bob! Are we still on for lunch?');
    await mine.waitFor();
    // Once: the pending bubble becomes the sent one, never a second copy.
    await until(async () => (await mine.count()) === 1, 'one bubble');
    await a.waitForTimeout(300);
    expect(await mine.count()).toBe(1);

    const item = conversationItem(b, alice);
    await item.waitFor();
    await until(
      async () => (await textOf(item.getByTestId('unread-badge'))) === '1',
      'the unread badge',
    );
    expect(await textOf(item.getByTestId('conversation-preview'))).toBe(
      'Hi Bob! Are we still on for lunch?',
    );
    expect(await b.title()).toBe('(1) Parley');
    await shot(b, 'bob-unread-badge');

    // B's client received it: "delivered" on A's side.
    await until(
      async () => (await mine.getAttribute('data-status')) === 'delivered',
      'delivered ticks',
    );
    await shot(a, 'alice-delivered');
  });

  it('B opens it and A sees the read ticks', async () => {
    await conversationItem(b, alice).click();
    await bubbles(b, 'Hi Bob! Are we still on for lunch?').waitFor();
    await until(
      async () => (await conversationItem(b, alice).getByTestId('unread-badge').count()) === 0,
      'the badge to clear',
    );
    await until(async () => (await b.title()) === 'Parley', 'the title to drop the count');
    const mine = bubbles(a, 'Hi Bob! Are we still on for lunch?');
    await until(async () => (await mine.getAttribute('data-status')) === 'read', 'read ticks');
    expect(await mine.getByRole('img', { name: 'Read' }).count()).toBe(1);
    await shot(b, 'bob-opened');
    await shot(a, 'alice-read-ticks');
  });

  it('shows the typing indicator while B types and hides it after', async () => {
    const box = b.getByRole('textbox', { name: 'Message', exact: true });
    await box.click();
    await box.pressSequentially('Sure, 12:30', { delay: 30 });
    await a.getByTestId('typing-indicator').waitFor({ timeout: 10_000 });
    expect(await textOf(a.getByTestId('peer-status'))).toBe('typing…');
    await shot(a, 'alice-sees-typing');

    // Enter sends (and stops typing); Shift+Enter makes a new line in the same message.
    await box.press('Shift+Enter');
    await box.pressSequentially('at the usual place?');
    await box.press('Enter');
    await bubbles(a, 'Sure, 12:30\nat the usual place?').waitFor();
    await a.getByTestId('typing-indicator').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await textOf(a.getByTestId('peer-status'))).toBe('online');

    // Typing, then leaving the box: the indicator goes away without a message.
    await box.pressSequentially('hmm', { delay: 30 });
    await a.getByTestId('typing-indicator').waitFor({ timeout: 10_000 });
    await b.getByLabel('Search people and groups').focus();
    await a.getByTestId('typing-indicator').waitFor({ state: 'detached', timeout: 10_000 });
    await shot(a, 'alice-conversation');
  });

  it('keeps a draft per conversation', async () => {
    // B's "hmm" is still in the composer after going to the list and back.
    await b.getByLabel('Search people and groups').fill('');
    await conversationItem(b, alice).click();
    expect(await b.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe('hmm');
    await b.getByRole('textbox', { name: 'Message', exact: true }).fill('');
  });

  it('B goes offline and A sees "last seen"', async () => {
    await b.close();
    await until(
      async () => /^last seen/.test(await textOf(a.getByTestId('peer-status'))),
      '"last seen"',
    );
    expect(await textOf(a.getByTestId('peer-status'))).toBe('last seen just now');
    await shot(a, 'alice-sees-last-seen');
  });

  it('A sends while B is offline; B gets it after reconnecting', async () => {
    await send(a, 'Ping me when you are back');
    const mine = bubbles(a, 'Ping me when you are back');
    await until(
      async () => (await mine.getAttribute('data-status')) === 'sent',
      'the message to be stored',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await mine.getAttribute('data-status')).toBe('sent');

    b = await ctxB.newPage();
    await b.goto('/');
    await waitOnline(b); // the session came back from the refresh cookie
    const item = conversationItem(b, alice);
    await until(
      async () => (await textOf(item.getByTestId('unread-badge'))) === '1',
      'the badge after reconnecting',
    );
    await shot(b, 'bob-back-online');
    await item.click();
    await bubbles(b, 'Ping me when you are back').waitFor();
    await until(
      async () => (await mine.getAttribute('data-status')) === 'read',
      'read after B came back',
    );
    await until(
      async () => (await textOf(a.getByTestId('peer-status'))) === 'online',
      'B online again',
    );
    await shot(a, 'alice-sees-bob-back');
  });

  it('scrolls back through 200 seeded messages, keeping its place', async () => {
    const carol = person('Carol');
    const { page: c, context: ctxC } = await openPerson(browser, app);
    await signUp(c, carol);
    await ctxC.close();
    // Seed over the API with the stock client: Carol and Alice alternate in runs.
    const carolApi = await apiAs(app, carol);
    const aliceApi = await apiAs(app, alice);
    let last: { id: string; conversationId: string } | null = null;
    for (let i = 1; i <= 200; i++) {
      const fromCarol = Math.floor((i - 1) / 3) % 2 === 0;
      const api = fromCarol ? carolApi : aliceApi;
      const to = fromCarol ? aliceApi.user.id : carolApi.user.id;
      last = await api.client.chat.send.mutate({
        to,
        text: `History message ${i}`,
        clientMessageId: `seed-${i}-${carol.username}`,
      });
    }
    // Alice read them all elsewhere, so the conversation opens at its newest message (opening
    // at the first unread one is the polish suite's).
    await aliceApi.client.chat.markRead.mutate({
      conversationId: last!.conversationId,
      upTo: last!.id,
    });
    const item = conversationItem(a, carol);
    await until(
      async () =>
        (await item.count()) === 1 &&
        (await textOf(item.getByTestId('conversation-preview'))).endsWith('History message 200') &&
        (await item.getByTestId('unread-badge').count()) === 0,
      'the conversation read on this page too',
    );

    await conversationItem(a, carol).click();
    await bubbles(a, 'History message 200').waitFor();
    const list = a.getByTestId('message-list');
    const count = () => a.getByTestId('message').count();
    expect(await count()).toBeLessThanOrEqual(100);
    await shot(a, 'history-newest');

    // Scroll to the top repeatedly; each page loads above without jumping.
    for (
      let round = 0;
      round < 10 && (await a.getByTestId('history-start').count()) === 0;
      round++
    ) {
      const before = await count();
      const topKey = await a.getByTestId('message').first().getAttribute('data-key');
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await until(
        async () => (await count()) > before || (await a.getByTestId('history-start').count()) > 0,
        'an older page',
      );
      // The message that was at the top is still on screen: the position was kept.
      const kept = await a.locator(`[data-key="${topKey}"]`).evaluate((node) => {
        const box = node.getBoundingClientRect();
        const view = node.closest('[data-testid="message-list"]')!.getBoundingClientRect();
        return box.bottom > view.top && box.top < view.bottom;
      });
      expect(kept).toBe(true);
      if (round === 0) await shot(a, 'history-older-page-loaded');
    }
    await a.getByTestId('history-start').waitFor();
    expect(await count()).toBe(200);
    const texts = await a.getByTestId('message-text').allInnerTexts();
    expect(texts).toEqual(Array.from({ length: 200 }, (_, i) => `History message ${i + 1}`));
    await shot(a, 'history-beginning');

    // New message while scrolled up: no jump, a button instead.
    await carolApi.client.chat.send.mutate({
      to: aliceApi.user.id,
      text: 'Are you reading all that?',
      clientMessageId: `late-${carol.username}`,
    });
    await a.getByTestId('jump-to-bottom').waitFor();
    const fromBottom = await list.evaluate(
      (el) => el.scrollHeight - el.scrollTop - el.clientHeight,
    );
    expect(fromBottom).toBeGreaterThan(2000);
    await shot(a, 'history-new-message-button');
    await a.getByTestId('jump-to-bottom').click();
    await until(
      () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 5),
      'the list to reach the bottom',
    );
    await a.getByTestId('jump-to-bottom').waitFor({ state: 'detached' });
  });

  it('keeps the session across a reload and logs out', async () => {
    await a.reload();
    await waitOnline(a);
    expect(await textOf(a.getByTestId('my-name'))).toBe('Alice');
    await a.getByRole('link', { name: /your profile/ }).click();
    await a.getByLabel('Display name').fill('Alice Archer');
    await a.getByLabel('Bio').fill('Lunch enthusiast.');
    await a.getByRole('button', { name: 'Save' }).click();
    await until(
      async () => (await textOf(a.getByTestId('my-name'))) === 'Alice Archer',
      'the new name',
    );
    await shot(a, 'profile-saved');
    await a.getByRole('button', { name: 'Log out' }).click();
    await a.getByRole('tab', { name: 'Log in' }).waitFor();
    await a.reload();
    await a.getByRole('tab', { name: 'Log in' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
