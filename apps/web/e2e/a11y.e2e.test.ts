/**
 * Accessibility: axe-core on every main screen, light and dark, desktop and 375 px, failing on
 * serious or critical violations (a screenshot of each lands in test-artifacts/a11y/); then the
 * keyboard: the skip link, arrows in lists, Enter on the top search hit, Escape, the tabs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  DESKTOP,
  logIn,
  openPerson,
  pageErrors,
  person,
  shot,
  signUpApi,
  startStage,
  stopStage,
  textOf,
  until,
  type App,
  type Browser,
  type Page,
} from './harness.ts';
import { LOOKS, seriousViolations } from './axe.ts';

describe('accessibility', () => {
  let app: App;
  let browser: Browser;
  const alice = person('Alice');
  const bob = { ...person('Bob'), displayName: 'Bob Builder' };
  const carol = person('Carol');
  let directId = '';
  let groupId = '';
  let messageId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage('a11y'));
    for (const who of [alice, bob, carol]) await signUpApi(app, who);
    const a = await apiAs(app, alice);
    const b = await apiAs(app, bob);
    const c = await apiAs(app, carol);
    const first = await a.client.chat.send.mutate({
      to: b.user.id,
      text: 'Are we still on for Saturday?',
      clientMessageId: `a11y-1-${alice.username}`,
    });
    directId = first.conversationId;
    await b.client.chat.send.mutate({
      conversationId: directId,
      text: 'Yes! I will bring the rope.',
      clientMessageId: `a11y-2-${bob.username}`,
    });
    const group = await a.client.groups.create.mutate({
      title: 'Climbers',
      memberIds: [b.user.id, c.user.id],
      isPublic: true,
    });
    groupId = group.id;
    const mine = await a.client.chat.send.mutate({
      conversationId: groupId,
      text: `Hello @${carol.username} and everyone`,
      clientMessageId: `a11y-3-${alice.username}`,
    });
    messageId = mine.id;
    // A reply, reactions and a pin: the quote, the chips and the pinned bar are on screen too.
    await c.client.chat.send.mutate({
      conversationId: groupId,
      text: 'Hi all, the crag is dry',
      replyTo: messageId,
      clientMessageId: `a11y-4-${carol.username}`,
    });
    await c.client.chat.react.mutate({ messageId, emoji: '👍', on: true });
    await b.client.chat.react.mutate({ messageId, emoji: '❤️', on: true });
    await b.client.chat.pin.mutate({ messageId, pinned: true });
    await c.client.groups.create.mutate({ title: 'Boulder club', memberIds: [], isPublic: true });
  });

  afterAll(() => stopStage(app, browser));

  it.each(LOOKS)(
    'has no serious or critical violation on any main screen (%s)',
    async (name, viewport, scheme) => {
      const { page, context } = await openPerson(browser, app, viewport, scheme);
      const findings: string[] = [];
      const check = async (screen: string) => {
        findings.push(...(await seriousViolations(page, `${name}/${screen}`)));
        await shot(page, `${name}-${screen}`);
      };

      await page.goto('/');
      await page.getByRole('tab', { name: 'Log in' }).waitFor();
      await check('login');
      await page.getByRole('tab', { name: 'Sign up' }).click();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByTestId('field-error').first().waitFor();
      await check('signup-errors');

      await logIn(page, alice);
      await page.getByTestId('conversation-item').first().waitFor();
      await check('home');

      await page.getByLabel('Search people and groups').fill('b');
      await page.getByTestId('search-result').first().waitFor();
      await check('search');
      await page.getByLabel('Search people and groups').fill('');

      await page.goto(`/c/${directId}`);
      await page.getByTestId('message').first().waitFor();
      await check('direct');
      await page.goto(`/c/${directId}/info`);
      await page.getByTestId('contact-info').waitFor();
      await check('contact-info');

      await page.goto(`/c/${groupId}`);
      await page.getByTestId('message').first().waitFor();
      await check('group');
      if (viewport === DESKTOP) {
        await page.locator(`[data-id="${messageId}"]`).hover();
      }
      const menu = page.locator(`[data-id="${messageId}"]`).getByTestId('message-menu');
      await menu.click();
      await page.getByTestId('quick-reactions').waitFor();
      await check('message-menu');
      await page.getByRole('menuitem', { name: 'Message info' }).click();
      await page.getByTestId('message-info').getByTestId('info-member').first().waitFor();
      await check('message-info');
      await page.keyboard.press('Escape');
      await page.getByTestId('message-info').waitFor({ state: 'detached' });
      await menu.click();
      await page.getByRole('menuitem', { name: 'Forward' }).click();
      await page.getByTestId('forward-target').first().waitFor();
      await check('forward-dialog');
      await page.keyboard.press('Escape');
      await page.getByTestId('forward-dialog').waitFor({ state: 'detached' });
      await page.goto(`/c/${groupId}/info`);
      await page.getByTestId('member').first().waitFor();
      await check('group-info');

      await page.goto('/groups/new');
      await page.getByLabel('Title').waitFor();
      await check('new-group');
      await page.goto('/groups');
      await page.getByTestId('public-group').first().waitFor();
      await check('browse');
      await page.goto('/profile');
      await page.getByLabel('Display name').waitFor();
      await check('profile');

      await context.close();
      expect(findings).toEqual([]);
    },
  );

  it('works from the keyboard: skip link, arrows, Enter on the top hit, Escape, tabs', async () => {
    const { page } = await openPerson(browser, app, DESKTOP, 'light');
    await page.goto('/');
    // Log in / Sign up are tabs: arrows move between them.
    const login = page.getByRole('tab', { name: 'Log in' });
    await login.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Sign up' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await expectFocused(page, 'tab', 'Sign up');
    await page.keyboard.press('ArrowLeft');
    await expectFocused(page, 'tab', 'Log in');

    await logIn(page, alice);
    await page.getByTestId('conversation-item').first().waitFor();
    // The skip link is the first stop and leads past the list.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: /^Skip to/ });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await skip.isVisible();
    await shot(page, 'keyboard-skip-link');

    // Arrows move through the conversation list; Enter opens; Escape closes.
    const items = page.getByTestId('conversation-item');
    await items.first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await items.nth(1).evaluate((el) => el === document.activeElement)).toBe(true);
    const title = (await items.nth(1).getAttribute('data-title')) ?? 'Bob Builder';
    await page.keyboard.press('Enter');
    await page.getByTestId('peer-name').filter({ hasText: title }).waitFor();
    await page.getByRole('textbox', { name: 'Message', exact: true }).focus();
    await page.keyboard.press('Escape');
    await until(async () => new URL(page.url()).pathname === '/', 'Escape to close the chat');

    // Search: Enter opens the top hit; arrows move through the results.
    const search = page.getByLabel('Search people and groups');
    await search.fill('Builder');
    await page.getByTestId('search-result').first().waitFor();
    await search.press('ArrowDown');
    expect(
      await page
        .getByTestId('search-result')
        .first()
        .evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await search.focus();
    await search.press('Enter');
    await page.getByTestId('peer-name').filter({ hasText: 'Bob Builder' }).waitFor();

    // Panels close with Escape too, then the chat.
    await page.getByTestId('open-info').click();
    await page.getByTestId('contact-info').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('contact-info').waitFor({ state: 'detached' });
    expect(await textOf(page.getByTestId('peer-name'))).toBe('Bob Builder');

    // The message log can be focused and scrolled from the keyboard.
    expect(await page.getByRole('log', { name: 'Messages' }).getAttribute('tabindex')).toBe('0');
    expect(pageErrors).toEqual([]);
  });
});

async function expectFocused(page: Page, role: 'tab', name: string) {
  await until(
    () => page.getByRole(role, { name }).evaluate((el) => el === document.activeElement),
    `${name} to have the focus`,
  );
}
