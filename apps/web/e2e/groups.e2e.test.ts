/**
 * Groups in Chromium, against the real server: three people create a group and talk (names and
 * pictures on bubbles, typing with names, ticks that turn when the last member reads, message
 * info, mentions), a fourth is added live, one is removed live, and a public group is joined
 * from Browse. Then the same on a 375 px phone in the dark theme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubbles,
  DESKTOP,
  groupItem,
  openPerson,
  pageErrors,
  person,
  PHONE,
  send,
  shot,
  signUp,
  startStage,
  stopStage,
  textOf,
  until,
  type App,
  type Browser,
  type Page,
  type Person,
} from './harness.ts';
import { png } from './images.ts';

/** Creates a group through the UI: title, picture, members picked by search. */
async function createGroup(page: Page, title: string, members: Person[], picture = false) {
  await page.getByRole('link', { name: 'New group' }).click();
  await page.getByLabel('Title').fill(title);
  if (picture) {
    await page.getByTestId('picture-input').setInputFiles({
      name: 'group.png',
      mimeType: 'image/png',
      buffer: png(200, 200, { hue: 1 }),
    });
    await page.getByText('Save to use this picture.').waitFor();
  }
  for (const m of members) {
    await page.getByLabel('Members').fill(m.username);
    await page.locator(`[data-testid="pick-person"][data-username="${m.username}"]`).click();
  }
  await shot(page, 'create-group');
  await page.getByRole('button', { name: /^Create group/ }).click();
  await page.getByTestId('peer-name').filter({ hasText: title }).waitFor();
}

const status = (page: Page, text: string) =>
  bubbles(page, text).getAttribute('data-status', { timeout: 2000 });

describe('groups in Chromium (desktop, light)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let c: Page;
  let d: Page;
  const alice = person('Alice');
  const bob = person('Bob');
  const carol = person('Carol');
  const dan = person('Dan');

  beforeAll(async () => {
    ({ app, browser } = await startStage('groups'));
    const pages: Page[] = [];
    for (const who of [alice, bob, carol, dan]) {
      const { page } = await openPerson(browser, app, DESKTOP, 'light');
      page.on('dialog', (dialog) => void dialog.accept());
      await signUp(page, who);
      pages.push(page);
    }
    [a, b, c, d] = pages as [Page, Page, Page, Page];
  });

  afterAll(() => stopStage(app, browser));

  it('A creates a group with a picture; B and C see it arrive live', async () => {
    await createGroup(a, 'Climbers', [bob, carol], true);
    await a
      .getByTestId('system-line')
      .filter({ hasText: 'You created the group “Climbers”' })
      .waitFor();
    expect(await textOf(a.getByTestId('peer-status'))).toMatch(/^3 members/);
    for (const page of [b, c]) {
      const item = groupItem(page, 'Climbers');
      await item.waitFor();
      expect(await textOf(item.getByTestId('conversation-preview'))).toBe(
        'Alice created the group “Climbers”',
      );
      await item.getByTestId('avatar-image').waitFor();
    }
    await shot(a, 'group-created');
    await shot(b, 'bob-sees-new-group');
  });

  it('they talk: names and pictures on bubbles, "Alice: …" previews', async () => {
    await groupItem(b, 'Climbers').click();
    await groupItem(c, 'Climbers').click();
    await send(a, 'Hello climbers!');
    await send(a, 'Saturday at the crag?');
    for (const page of [b, c]) {
      await bubbles(page, 'Saturday at the crag?').waitFor();
      const group = page
        .getByTestId('message-group')
        .filter({ has: page.getByText('Hello climbers!') });
      expect(await textOf(group.getByTestId('sender-name'))).toBe('Alice');
      await group.getByTestId('sender-avatar').waitFor();
      // One name for a run of messages by one sender.
      expect(await group.getByTestId('sender-name').count()).toBe(1);
    }
    await send(b, 'I am in');
    await until(
      async () =>
        (await textOf(groupItem(c, 'Climbers').getByTestId('conversation-preview'))) ===
        'Bob: I am in',
      'the "Bob: …" preview',
    );
    await shot(c, 'carol-group-conversation');
  });

  it('typing shows names: one, then two', async () => {
    const boxB = b.getByRole('textbox', { name: 'Message', exact: true });
    const boxC = c.getByRole('textbox', { name: 'Message', exact: true });
    await boxB.pressSequentially('Bringing', { delay: 40 });
    await until(
      async () => (await textOf(a.getByTestId('peer-status'))) === 'Bob is typing…',
      '"Bob is typing"',
    );
    await boxC.pressSequentially('Me too', { delay: 40 });
    await until(
      async () => (await textOf(a.getByTestId('peer-status'))) === 'Bob and Carol are typing…',
      '"Bob and Carol are typing"',
    );
    expect(await textOf(a.getByTestId('typing-names'))).toBe('Bob and Carol are typing');
    await shot(a, 'typing-with-names');
    await boxB.fill('');
    await boxC.fill('');
    await until(
      async () => /^3 members/.test(await textOf(a.getByTestId('peer-status'))),
      'typing to stop',
    );
  });

  it('read ticks turn when the last member reads; message info says who and when', async () => {
    // Carol is elsewhere when Alice writes: Bob reads at once, Carol later.
    await c.getByRole('link', { name: /your profile/ }).click();
    await send(a, 'Who has the rope?');
    await bubbles(b, 'Who has the rope?').waitFor();
    await until(
      async () => (await status(a, 'Who has the rope?')) === 'delivered',
      'delivered to all',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await status(a, 'Who has the rope?')).toBe('delivered');
    expect(
      await bubbles(a, 'Who has the rope?')
        .getByRole('img', { name: 'Delivered to everyone' })
        .count(),
    ).toBe(1);

    const mine = bubbles(a, 'Who has the rope?');
    await mine.hover();
    await mine.getByTestId('message-menu').click();
    await a.getByRole('menuitem', { name: 'Message info' }).click();
    const info = a.getByTestId('message-info');
    await info.getByTestId('info-read').waitFor();
    expect(await info.getByTestId('info-read').getByTestId('info-member').allInnerTexts()).toEqual([
      expect.stringContaining('Bob'),
    ]);
    expect(
      await info.getByTestId('info-delivered').getByTestId('info-member').allInnerTexts(),
    ).toEqual([expect.stringContaining('Carol')]);
    await shot(a, 'message-info');
    await a.keyboard.press('Escape');
    await info.waitFor({ state: 'detached' });

    await groupItem(c, 'Climbers').click();
    await bubbles(c, 'Who has the rope?').waitFor();
    await until(async () => (await status(a, 'Who has the rope?')) === 'read', 'read by everyone');
    expect(
      await bubbles(a, 'Who has the rope?').getByRole('img', { name: 'Read by everyone' }).count(),
    ).toBe(1);
    await shot(a, 'read-by-everyone');
  });

  it('@mentions: autocomplete in the composer, highlight and a badge for the one mentioned', async () => {
    await a.getByRole('link', { name: /your profile/ }).click();
    const box = b.getByRole('textbox', { name: 'Message', exact: true });
    await box.pressSequentially('Ask @Ali', { delay: 20 });
    const option = b.getByTestId('mention-option').filter({ hasText: 'Alice' });
    await option.waitFor();
    await shot(b, 'mention-autocomplete');
    await box.press('Enter');
    expect(await box.inputValue()).toBe(`Ask @${alice.username} `);
    await box.pressSequentially('for the guidebook');
    await box.press('Enter');
    const text = `Ask @${alice.username} for the guidebook`;
    await bubbles(c, text).waitFor();

    const item = groupItem(a, 'Climbers');
    await item.getByTestId('mention-badge').waitFor();
    expect(await textOf(item.getByTestId('unread-badge'))).toBe('1');
    await shot(a, 'mention-badge');
    await item.click();
    const bubble = bubbles(a, text);
    await bubble.waitFor();
    expect(await bubble.getAttribute('data-mentions-me')).toBe('true');
    expect(await textOf(bubble.locator('[data-testid="mention"][data-me="true"]'))).toBe(
      `@${alice.username}`,
    );
    await until(
      async () => (await item.getByTestId('mention-badge').count()) === 0,
      'the badge to clear',
    );
    await shot(a, 'mention-highlight');
  });

  it('A adds Dan live, and removes Carol live: Carol keeps what she had, read-only', async () => {
    await a.getByTestId('open-info').click();
    const panel = a.getByTestId('group-info');
    await panel.waitFor();
    expect(await panel.getByTestId('member').count()).toBe(3);
    await panel.getByLabel('Add people').fill(dan.username);
    await panel.locator(`[data-testid="pick-person"][data-username="${dan.username}"]`).click();
    await panel.getByRole('button', { name: 'Add Dan' }).click();
    await until(async () => (await panel.getByTestId('member').count()) === 4, 'Dan in the list');
    const danItem = groupItem(d, 'Climbers');
    await danItem.waitFor();
    expect(await textOf(danItem.getByTestId('conversation-preview'))).toBe('Alice added you');
    await danItem.click();
    await d.getByTestId('system-line').filter({ hasText: 'Alice added you' }).waitFor();
    // A new member sees from their joining on, not before.
    expect(await bubbles(d, 'Hello climbers!').count()).toBe(0);
    await until(
      async () => /^4 members/.test(await textOf(b.getByTestId('peer-status'))),
      'Bob to see 4 members',
    );
    await shot(a, 'group-info-admin');
    await shot(d, 'dan-added');

    await panel.getByRole('button', { name: 'Manage Carol' }).click();
    await panel.getByRole('menuitem', { name: 'Remove from group' }).click();
    await until(async () => (await panel.getByTestId('member').count()) === 3, 'Carol gone');
    await c.getByTestId('read-only-notice').waitFor();
    expect(await c.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0);
    await c.getByTestId('system-line').filter({ hasText: 'Alice removed you' }).waitFor();
    expect(await bubbles(c, 'Who has the rope?').count()).toBe(1);
    await shot(c, 'carol-removed');

    // Nothing after the removal reaches Carol.
    await send(b, 'Just us now');
    await bubbles(d, 'Just us now').waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(await bubbles(c, 'Just us now').count()).toBe(0);
  });

  it('A makes Bob an admin; a public group is found in Browse and joined', async () => {
    const panel = a.getByTestId('group-info');
    await panel.getByRole('button', { name: 'Manage Bob' }).click();
    await panel.getByRole('menuitem', { name: 'Make admin' }).click();
    await until(
      async () =>
        (await panel
          .locator(`[data-testid="member"][data-username="${bob.username}"]`)
          .getAttribute('data-role')) === 'admin',
      'Bob an admin',
    );
    await panel.getByRole('switch', { name: 'Public group' }).click();
    await until(
      async () =>
        (await panel.getByRole('switch', { name: 'Public group' }).getAttribute('aria-checked')) ===
        'true',
      'the group to be public',
    );
    await a.getByTestId('system-line').filter({ hasText: 'You made the group public' }).waitFor();

    await c.getByRole('link', { name: 'Browse public groups' }).click();
    const card = c.locator('[data-testid="public-group"][data-title="Climbers"]');
    await card.waitFor();
    await shot(c, 'browse');
    await card.getByRole('button', { name: 'Join Climbers' }).click();
    await c.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
    await c.getByTestId('system-line').filter({ hasText: 'You joined' }).waitFor();
    await send(c, 'Back again');
    await bubbles(a, 'Back again').waitFor();
    expect(await textOf(a.getByTestId('message-group').last().getByTestId('sender-name'))).toBe(
      'Carol',
    );
    await shot(c, 'joined-from-browse');
    expect(pageErrors).toEqual([]);
  });
});

describe('groups at 375 px (dark)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let c: Page;
  const alice = person('Alice');
  const bob = person('Bob');
  const carol = person('Carol');

  beforeAll(async () => {
    ({ app, browser } = await startStage('groups-mobile'));
    const pages: Page[] = [];
    for (const who of [alice, bob, carol]) {
      const { page } = await openPerson(browser, app, PHONE, 'dark');
      page.on('dialog', (dialog) => void dialog.accept());
      await signUp(page, who);
      pages.push(page);
    }
    [a, b, c] = pages as [Page, Page, Page];
  });

  afterAll(() => stopStage(app, browser));

  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('creates a group, talks, reads, and opens its info on a phone', async () => {
    await createGroup(a, 'Night shift crew with a long name', [bob, carol]);
    expect(await noHorizontalScroll(a)).toBe(true);
    // The title in the placeholder is cut to fit one line.
    const composer = a.getByRole('textbox', { name: 'Message', exact: true });
    expect(await composer.getAttribute('placeholder')).toBe('Message Night shift cre…');
    expect(
      await composer.evaluate(
        (el) => el.getBoundingClientRect().height < parseFloat(getComputedStyle(el).lineHeight) * 2,
      ),
    ).toBe(true);
    await send(a, 'Coffee at 3?');
    for (const page of [b, c]) {
      await groupItem(page, 'Night shift crew with a long name').click();
      await bubbles(page, 'Coffee at 3?').waitFor();
    }
    const box = b.getByRole('textbox', { name: 'Message', exact: true });
    await box.pressSequentially('Sure', { delay: 40 });
    await until(
      async () => (await textOf(a.getByTestId('peer-status'))) === 'Bob is typing…',
      '"Bob is typing" on the phone',
    );
    await shot(a, 'phone-typing');
    await b.getByRole('button', { name: 'Send', exact: true }).click();
    await until(async () => (await status(a, 'Coffee at 3?')) === 'read', 'read by both');
    expect(await textOf(c.getByTestId('sender-name').last())).toBe('Bob');
    expect(await noHorizontalScroll(c)).toBe(true);
    await shot(c, 'phone-group-conversation');

    await a.getByTestId('open-info').click();
    await a.getByTestId('group-info').waitFor();
    expect(await a.getByRole('log', { name: 'Messages' }).isVisible()).toBe(false);
    expect(await noHorizontalScroll(a)).toBe(true);
    await shot(a, 'phone-group-info');
    await a.getByRole('button', { name: 'Close group info' }).click();
    await a.getByRole('log', { name: 'Messages' }).waitFor();
  });

  it('removes and browses on a phone', async () => {
    await a.getByTestId('open-info').click();
    await a.getByRole('button', { name: 'Manage Carol' }).click();
    await a.getByRole('menuitem', { name: 'Remove from group' }).click();
    await c.getByTestId('read-only-notice').waitFor();
    await shot(c, 'phone-removed');
    const visibility = a.getByRole('switch', { name: 'Public group' });
    await visibility.click();
    await until(
      async () => (await visibility.getAttribute('aria-checked')) === 'true',
      'the group to be public',
    );
    await c.getByRole('link', { name: 'Back to conversations' }).click();
    await c.getByRole('link', { name: 'Browse public groups' }).click();
    const card = c.locator(
      '[data-testid="public-group"][data-title="Night shift crew with a long name"]',
    );
    await card.waitFor();
    expect(await noHorizontalScroll(c)).toBe(true);
    await shot(c, 'phone-browse');
    await card.getByRole('button', { name: /^Join/ }).click();
    await c.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
    await shot(c, 'phone-joined');
    expect(pageErrors).toEqual([]);
  });
});
