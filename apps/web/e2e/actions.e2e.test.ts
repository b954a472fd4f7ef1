/**
 * Message actions in Chromium, against the real server, between Alice and Bob (and Carol, to
 * forward to): reply (and its quote jumping to the original), edit (↑ and the menu), delete for
 * everyone and for me, reactions live on the other side, forward to several conversations, pin
 * (the other side's pinned bar) and message info; the menu from the keyboard and a right-click;
 * the same on a 375 px phone with a long press. Then the looks at desktop and 375 px, light and
 * dark, each checked with axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  conversationItem,
  DESKTOP,
  logIn,
  openPerson,
  pageErrors,
  person,
  PHONE,
  send,
  shot,
  signUpApi,
  startStage,
  stopStage,
  textOf,
  until,
  type App,
  type Browser,
  type Page,
  type Person,
  type Viewport,
} from './harness.ts';
import { LOOKS, seriousViolations } from './axe.ts';

const alice = person('Alice');
const bob = person('Bob');
const carol = person('Carol');

/** A message in the list: the bubble whose own text (not a quote of it) is exactly `text`. */
const bubble = (page: Page, text: string) =>
  page
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });

const byId = (page: Page, id: string) => page.locator(`[data-testid="message"][data-id="${id}"]`);

const box = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

/** Opens a message's menu the way the viewport does it: hover and ⋯, or a long press. */
async function openMenu(page: Page, message: ReturnType<typeof bubble>) {
  await message.scrollIntoViewIfNeeded();
  const touch = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
  if (touch) {
    await message.dispatchEvent('pointerdown', { pointerType: 'touch', clientX: 5, clientY: 5 });
    await page.waitForTimeout(650);
    await message.dispatchEvent('pointerup', { pointerType: 'touch' });
  } else {
    await message.hover();
    await message.getByTestId('message-menu').click();
  }
  await page.getByRole('menu', { name: 'Message actions' }).waitFor();
}

/** Whether the element is inside the message list's visible area. */
function inView(page: Page, locator: ReturnType<typeof bubble>) {
  return locator.evaluate((el) => {
    const list = el.closest('[data-testid="message-list"]')!.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
  });
}

async function act(page: Page, message: ReturnType<typeof bubble>, item: string) {
  await openMenu(page, message);
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

async function signedIn(
  browser: Browser,
  app: App,
  who: Person,
  viewport: Viewport,
  scheme: 'light' | 'dark' = 'light',
) {
  const { page } = await openPerson(browser, app, viewport, scheme);
  await logIn(page, who);
  return page;
}

async function openConversation(page: Page, conversationId: string) {
  await page.goto(`/c/${conversationId}`);
  await page.getByTestId('peer-name').waitFor();
  await page.getByTestId('message').first().waitFor();
}

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const)('message actions in Chromium (%s)', (size, viewport) => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let directId = '';
  let carolId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage(`actions-${size}`));
    for (const who of [alice, bob, carol]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const apiCarol = await apiAs(app, carol);
    const first = await apiBob.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Climbing on Saturday?',
      clientMessageId: `actions-1-${bob.username}`,
    });
    directId = first.conversationId;
    // Enough after it, all read, that the list opens at the bottom a page away from it.
    let last = first;
    for (let i = 1; i <= 60; i += 1) {
      last = await (i % 2 ? apiAlice : apiBob).client.chat.send.mutate({
        conversationId: directId,
        text: `Chatter ${i}`,
        clientMessageId: `actions-chatter-${i}-${size}`,
      });
    }
    for (const who of [apiAlice, apiBob])
      await who.client.chat.markRead.mutate({ conversationId: directId, upTo: last.id });
    const fromCarol = await apiCarol.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Hi Alice, Carol here',
      clientMessageId: `actions-2-${carol.username}`,
    });
    carolId = fromCarol.conversationId;
    a = await signedIn(browser, app, alice, viewport);
    b = await signedIn(browser, app, bob, viewport);
    await openConversation(a, directId);
    await openConversation(b, directId);
  });

  afterAll(() => stopStage(app, browser));

  it('replies with a quote; the quote jumps to the original, loading it; Escape cancels', async () => {
    await send(b, 'Which crag?');
    const question = bubble(a, 'Which crag?');
    await question.waitFor();
    await act(a, question, 'Reply');
    const banner = a.getByTestId('reply-banner');
    expect(await textOf(banner)).toContain('Which crag?');
    await shot(a, `${size}-reply-composer`);
    await box(a).press('Escape');
    await banner.waitFor({ state: 'detached' });

    await act(a, question, 'Reply');
    await send(a, 'The north face');
    const answer = bubble(a, 'The north face');
    await answer.waitFor();
    expect(await textOf(answer.getByTestId('reply-quote'))).toContain('Which crag?');
    expect(await banner.count()).toBe(0);
    const theirs = bubble(b, 'The north face');
    await theirs.waitFor();
    expect(await textOf(theirs.getByTestId('reply-quote'))).toMatch(/You[\s\S]*Which crag\?/);
    await shot(b, `${size}-reply-bubble`);

    // A reply to the oldest message, sixty messages up and not loaded: the quote loads its page,
    // scrolls there and highlights it.
    const apiBob = await apiAs(app, bob);
    const page = await apiBob.client.chat.history.query({ conversationId: directId, limit: 100 });
    const oldest = page.items.find((m) => m.text === 'Climbing on Saturday?')!;
    await apiBob.client.chat.send.mutate({
      conversationId: directId,
      text: 'Remember this?',
      replyTo: oldest.id,
      clientMessageId: `actions-remember-${size}`,
    });
    const remember = bubble(a, 'Remember this?');
    await remember.waitFor();
    expect(await byId(a, oldest.id).count()).toBe(0);
    await remember.getByTestId('reply-quote').click();
    await until(
      async () => (await byId(a, oldest.id).getAttribute('data-highlighted')) === 'true',
      'the original to be shown and highlighted',
    );
    expect(await inView(a, byId(a, oldest.id))).toBe(true);
    await shot(a, `${size}-reply-jumped`);
  });

  it('edits: ↑ in an empty box and the menu; "edited" on both sides; the list preview follows', async () => {
    await openConversation(a, directId);
    await send(a, 'See you at 5');
    await bubble(b, 'See you at 5').waitFor();
    await until(
      async () => (await bubble(a, 'See you at 5').getAttribute('data-status')) !== 'pending',
      'the message to be stored',
    );
    await box(a).press('ArrowUp');
    await a.getByTestId('edit-banner').waitFor();
    expect(await box(a).inputValue()).toBe('See you at 5');
    await shot(a, `${size}-edit-composer`);
    await box(a).fill('See you at 6');
    await a.getByRole('button', { name: 'Save edit' }).click();
    const mine = bubble(a, 'See you at 6');
    await mine.getByTestId('edited-mark').waitFor();
    const theirs = bubble(b, 'See you at 6');
    await theirs.getByTestId('edited-mark').waitFor();
    expect(await bubble(b, 'See you at 5').count()).toBe(0);
    expect(await box(a).inputValue()).toBe('');
    if (size === 'desktop') {
      await until(
        async () => (await textOf(conversationItem(b, alice))).includes('See you at 6'),
        'Bob’s list preview to follow the edit',
      );
    }
    await shot(b, `${size}-edited`);

    // From the menu, and Escape leaves the message as it was.
    await act(a, mine, 'Edit');
    expect(await box(a).inputValue()).toBe('See you at 6');
    await box(a).press('Escape');
    await a.getByTestId('edit-banner').waitFor({ state: 'detached' });
    expect(await box(a).inputValue()).toBe('');
    expect(await mine.count()).toBe(1);

    // Bob cannot edit Alice's message: no such item in his menu.
    await openMenu(b, theirs);
    expect(await b.getByRole('menuitem', { name: 'Edit', exact: true }).count()).toBe(0);
    await b.keyboard.press('Escape');
  });

  it('deletes for everyone (a tombstone on both sides) and for me (gone only here)', async () => {
    await send(a, 'Oops, wrong chat');
    const oops = bubble(a, 'Oops, wrong chat');
    await bubble(b, 'Oops, wrong chat').waitFor();
    await until(async () => await oops.getAttribute('data-id'), 'the message to be stored');
    const id = (await oops.getAttribute('data-id'))!;
    await act(a, oops, 'Delete');
    const dialog = a.getByTestId('delete-dialog');
    await dialog.waitFor();
    await shot(a, `${size}-delete-dialog`);
    await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
    await byId(a, id).getByTestId('tombstone').waitFor();
    await byId(b, id).getByTestId('tombstone').waitFor();
    expect(await textOf(byId(b, id))).toContain('This message was deleted');
    expect(await b.getByText('Oops, wrong chat').count()).toBe(0);
    await shot(b, `${size}-tombstone`);

    // Bob's copy of Alice's message: only "for me" is offered, and only Bob stops seeing it.
    await send(a, 'Keep this between us');
    const secret = bubble(b, 'Keep this between us');
    await secret.waitFor();
    await act(b, secret, 'Delete');
    const his = b.getByTestId('delete-dialog');
    await his.waitFor();
    expect(await his.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
    await his.getByRole('button', { name: 'Delete for me' }).click();
    await secret.waitFor({ state: 'detached' });
    await a.waitForTimeout(500);
    expect(await bubble(a, 'Keep this between us').count()).toBe(1);
    await b.reload();
    await b.getByTestId('message').first().waitFor();
    expect(await bubble(b, 'Keep this between us').count()).toBe(0);
  });

  it('reacts from the quick bar; the chip shows live on the other side; a tap toggles', async () => {
    await send(b, 'Rope or no rope?');
    const message = bubble(a, 'Rope or no rope?');
    await message.waitFor();
    await openMenu(a, message);
    await shot(a, `${size}-menu`);
    await a.getByRole('menuitem', { name: 'React with 👍' }).click();
    const mineChip = message.locator('[data-testid="reaction-chip"][data-emoji="👍"]');
    await mineChip.waitFor();
    expect(await mineChip.getAttribute('data-mine')).toBe('true');
    const theirs = bubble(b, 'Rope or no rope?').locator(
      '[data-testid="reaction-chip"][data-emoji="👍"]',
    );
    await theirs.waitFor();
    expect(await theirs.getAttribute('data-mine')).toBe('false');
    expect(await theirs.getAttribute('title')).toBe(`${alice.displayName} reacted with 👍`);
    expect(await textOf(theirs)).toContain('1');

    // Bob adds his with the chip: 2 on both sides; Alice takes hers back: 1.
    await theirs.click();
    await until(async () => (await textOf(mineChip)).includes('2'), 'two on Alice’s side');
    expect(await theirs.getAttribute('aria-pressed')).toBe('true');
    await shot(b, `${size}-reactions`);
    await mineChip.click();
    await until(
      async () => (await mineChip.getAttribute('data-mine')) === 'false',
      'Alice’s reaction to be taken back',
    );
    await until(async () => (await textOf(theirs)).includes('1'), 'one on Bob’s side');
  });

  it('forwards to several conversations, searchable, marked "Forwarded"', async () => {
    const message = bubble(a, 'Rope or no rope?');
    await act(a, message, 'Forward');
    const dialog = a.getByTestId('forward-dialog');
    await dialog.getByTestId('forward-target').first().waitFor();
    expect(await dialog.getByTestId('forward-target').count()).toBe(2);
    await dialog.getByLabel('Search conversations').fill('car');
    await until(
      async () => (await dialog.getByTestId('forward-target').count()) === 1,
      'the search to keep Carol only',
    );
    await dialog.locator(`[data-title="${carol.displayName}"]`).click();
    await dialog.getByLabel('Search conversations').fill('');
    await dialog.locator(`[data-title="${bob.displayName}"]`).click();
    expect(await textOf(dialog)).toContain('2 selected');
    await shot(a, `${size}-forward-dialog`);
    await dialog.getByRole('button', { name: 'Forward', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    // Bob gets a second copy, marked forwarded; so does Carol's conversation.
    await until(
      async () => (await bubble(b, 'Rope or no rope?').count()) === 2,
      'the forwarded copy with Bob',
    );
    const copy = bubble(b, 'Rope or no rope?').last();
    expect(await textOf(copy.getByTestId('forwarded-mark'))).toContain('Forwarded');
    expect(await bubble(b, 'Rope or no rope?').first().getByTestId('forwarded-mark').count()).toBe(
      0,
    );
    await openConversation(a, carolId);
    await bubble(a, 'Rope or no rope?').getByTestId('forwarded-mark').waitFor();
    await shot(a, `${size}-forwarded`);
    await openConversation(a, directId);
  });

  it('pins: the pinned bar shows on the other side, jumps to the message, cycles, unpins', async () => {
    await act(a, bubble(a, 'Which crag?'), 'Pin');
    const bar = b.getByTestId('pinned-bar');
    await bar.waitFor();
    expect(await textOf(bar.getByTestId('pinned-text'))).toBe('Which crag?');
    await act(a, bubble(a, 'The north face'), 'Pin');
    await until(
      async () => (await textOf(bar)).includes('Pinned message 1 of 2'),
      'two pinned, the latest first',
    );
    expect(await textOf(bar.getByTestId('pinned-text'))).toBe('The north face');
    await shot(b, `${size}-pinned-bar`);
    await bar.getByRole('button').click();
    await until(
      async () => (await bubble(b, 'The north face').getAttribute('data-highlighted')) === 'true',
      'the pinned message to be shown',
    );
    expect(await textOf(bar)).toContain('Pinned message 2 of 2');
    expect(await textOf(bar.getByTestId('pinned-text'))).toBe('Which crag?');

    await act(b, bubble(b, 'The north face'), 'Unpin');
    await until(
      async () => (await textOf(a.getByTestId('pinned-bar'))).includes('Which crag?'),
      'one left on Alice’s side',
    );
    expect(await textOf(a.getByTestId('pinned-bar'))).not.toContain('of 2');
  });

  it('copies the text and shows message info', async () => {
    await a.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const mine = bubble(a, 'See you at 6');
    await act(a, mine, 'Copy text');
    await a.getByTestId('toast').filter({ hasText: 'Copied' }).waitFor();
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe('See you at 6');
    await act(a, mine, 'Message info');
    const info = a.getByTestId('message-info');
    await info.getByTestId('info-member').first().waitFor();
    expect(await textOf(info)).toContain(bob.displayName);
    await a.keyboard.press('Escape');
    await info.waitFor({ state: 'detached' });
    // Someone else's message still offers Report.
    await openMenu(a, bubble(a, 'Which crag?'));
    await a.getByRole('menuitem', { name: 'Report' }).waitFor();
    await a.keyboard.press('Escape');
  });

  it('threw no errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the message menu from the keyboard and a right-click', () => {
  let app: App;
  let browser: Browser;
  let a: Page;

  beforeAll(async () => {
    ({ app, browser } = await startStage('actions-keyboard'));
    for (const who of [alice, bob]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const m = await apiBob.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Press a key',
      clientMessageId: `actions-kb-${bob.username}`,
    });
    a = await signedIn(browser, app, alice, DESKTOP);
    await openConversation(a, m.conversationId);
  });

  afterAll(() => stopStage(app, browser));

  const focused = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent,
    );

  it('Enter and Space open it, arrows move, Escape closes and gives the focus back', async () => {
    const message = bubble(a, 'Press a key');
    const button = message.getByTestId('message-menu');
    await button.focus();
    await a.keyboard.press('Enter');
    const menu = a.getByRole('menu', { name: 'Message actions' });
    await menu.waitFor();
    expect(await focused(a)).toBe('React with 👍');
    await a.keyboard.press('End');
    expect(await focused(a)).toBe('Report');
    await a.keyboard.press('Home');
    await a.keyboard.press('ArrowDown');
    expect(await focused(a)).toBe('React with ❤️');
    await shot(a, 'keyboard-menu');
    await a.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);

    // Space, then Enter on a reaction: it is added, the menu closes.
    await a.keyboard.press('Space');
    await menu.waitFor();
    await a.keyboard.press('Enter');
    await message.locator('[data-testid="reaction-chip"][data-emoji="👍"]').waitFor();
    expect(await menu.count()).toBe(0);

    // Reply from the keyboard, down the menu.
    await button.focus();
    await a.keyboard.press('Enter');
    await menu.waitFor();
    for (let i = 0; i < 7; i += 1) await a.keyboard.press('ArrowDown');
    expect(await focused(a)).toBe('Reply');
    await a.keyboard.press('Enter');
    await a.getByTestId('reply-banner').waitFor();
    await a.getByRole('button', { name: 'Cancel reply' }).click();
    await a.getByTestId('reply-banner').waitFor({ state: 'detached' });
  });

  it('"more" opens a grid of other reactions, and the picker for any emoji', async () => {
    const message = bubble(a, 'Press a key');
    await message.getByTestId('message-menu').click();
    await a.getByRole('menuitem', { name: 'More reactions' }).click();
    await a.getByTestId('more-reaction-grid').waitFor();
    await shot(a, 'more-reactions');
    await a.getByRole('menuitem', { name: 'React with 🔥' }).click();
    await message.locator('[data-testid="reaction-chip"][data-emoji="🔥"]').waitFor();

    await message.getByTestId('message-menu').click();
    await a.getByRole('menuitem', { name: 'More reactions' }).click();
    await a.getByRole('menuitem', { name: 'Any emoji…' }).click();
    const picker = a.getByTestId('reaction-picker');
    await picker.locator('input#search').fill('hedgehog');
    await picker
      .getByRole('option', { name: /hedgehog/i })
      .first()
      .click();
    await message.locator('[data-testid="reaction-chip"][data-emoji="🦔"]').waitFor();
    expect(await picker.count()).toBe(0);
  });

  it('a right-click on a message opens its menu', async () => {
    await bubble(a, 'Press a key').getByTestId('message-text').click({ button: 'right' });
    await a.getByRole('menu', { name: 'Message actions' }).waitFor();
    await a.getByRole('menuitem', { name: 'Copy text' }).waitFor();
    await a.keyboard.press('Escape');
  });
});

describe('the looks at every size and theme, with axe', () => {
  let app: App;
  let browser: Browser;
  let directId = '';
  let questionId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage('actions-looks'));
    for (const who of [alice, bob, carol]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const apiCarol = await apiAs(app, carol);
    await apiCarol.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Hi from Carol',
      clientMessageId: `looks-c-${carol.username}`,
    });
    const question = await apiBob.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Are we still on for Saturday? I can drive if you bring the rope.',
      clientMessageId: `looks-1-${bob.username}`,
    });
    directId = question.conversationId;
    questionId = question.id;
    const say = (who: typeof apiAlice, text: string, extra: { replyTo?: string } = {}) =>
      who.client.chat.send.mutate({
        conversationId: directId,
        text,
        ...extra,
        clientMessageId: `looks-${Math.random().toString(36).slice(2, 10)}`,
      });
    const answer = await say(apiAlice, 'Yes! Meet at 8 at the car park', { replyTo: question.id });
    await apiAlice.client.chat.edit.mutate({
      messageId: answer.id,
      text: 'Yes! Meet at 9 at the car park',
    });
    await apiBob.client.chat.react.mutate({ messageId: answer.id, emoji: '👍', on: true });
    await apiAlice.client.chat.react.mutate({ messageId: question.id, emoji: '❤️', on: true });
    await apiBob.client.chat.react.mutate({ messageId: question.id, emoji: '❤️', on: true });
    await apiBob.client.chat.react.mutate({ messageId: question.id, emoji: '😂', on: true });
    const oops = await say(apiBob, 'Wrong chat, sorry');
    await apiBob.client.chat.delete.mutate({ messageId: oops.id, forEveryone: true });
    await apiBob.client.chat.pin.mutate({ messageId: question.id, pinned: true });
    const list = await apiCarol.client.chat.conversations.query({ limit: 10 });
    await apiCarol.client.chat.send.mutate({
      conversationId: list.items[0]!.id,
      text: 'The forecast says sun all weekend',
      clientMessageId: `looks-c2-${carol.username}`,
    });
    const carolMessage = (
      await apiAlice.client.chat.history.query({ conversationId: list.items[0]!.id })
    ).items.at(-1)!;
    await apiAlice.client.chat.forward.mutate({
      messageId: carolMessage.id,
      conversationIds: [directId],
      clientMessageId: `looks-forward-${alice.username}`,
    });
  });

  afterAll(() => stopStage(app, browser));

  it.each(LOOKS)(
    'conversation, menu, composer and dialogs (%s)',
    async (name, viewport, scheme) => {
      const findings: string[] = [];
      const look = async (page: Page, screen: string) => {
        findings.push(...(await seriousViolations(page, screen)));
        await shot(page, `${name}-${screen}`);
      };
      const a = await signedIn(browser, app, alice, viewport, scheme);
      await openConversation(a, directId);
      await a.getByTestId('pinned-bar').waitFor();
      await a.getByTestId('tombstone').waitFor();
      await a.getByTestId('forwarded-mark').waitFor();
      await look(a, 'conversation');

      const question = byId(a, questionId);
      await openMenu(a, question);
      await look(a, 'menu');
      await a.getByRole('menuitem', { name: 'Reply' }).click();
      await a.getByTestId('reply-banner').waitFor();
      await look(a, 'reply-composer');
      await box(a).press('Escape');

      await box(a).press('ArrowUp');
      await a.getByTestId('edit-banner').waitFor();
      await look(a, 'edit-composer');
      await box(a).press('Escape');

      await act(a, question, 'Forward');
      await a.getByTestId('forward-target').first().waitFor();
      await look(a, 'forward-dialog');
      await a.keyboard.press('Escape');
      await a.getByTestId('forward-dialog').waitFor({ state: 'detached' });

      await act(a, bubble(a, 'Yes! Meet at 9 at the car park'), 'Delete');
      await a.getByTestId('delete-dialog').waitFor();
      await look(a, 'delete-dialog');
      await a.keyboard.press('Escape');
      await a.context().close();

      expect(findings).toEqual([]);
    },
  );
});

describe('in a group: admins delete anyone’s message for everyone, members only their own', () => {
  let app: App;
  let browser: Browser;
  let groupId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage('actions-group'));
    for (const who of [alice, bob]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const group = await apiAlice.client.groups.create.mutate({
      title: 'Crag crew',
      memberIds: [apiBob.user.id],
    });
    groupId = group.id;
    await apiAlice.client.chat.send.mutate({
      conversationId: groupId,
      text: 'Welcome to the crew',
      clientMessageId: `group-1-${alice.username}`,
    });
    await apiBob.client.chat.send.mutate({
      conversationId: groupId,
      text: 'Buy cheap ropes at my shop',
      clientMessageId: `group-2-${bob.username}`,
    });
  });

  afterAll(() => stopStage(app, browser));

  const openGroup = async (page: Page) => {
    await page.goto(`/c/${groupId}`);
    await bubble(page, 'Buy cheap ropes at my shop').waitFor();
  };

  it('the owner deletes a member’s message for everyone; the member sees the tombstone', async () => {
    const a = await signedIn(browser, app, alice, DESKTOP);
    const b = await signedIn(browser, app, bob, DESKTOP);
    await openGroup(a);
    await openGroup(b);

    // Bob, a member: Alice's message only "for me".
    await act(b, bubble(b, 'Welcome to the crew'), 'Delete');
    const his = b.getByTestId('delete-dialog');
    await his.getByRole('button', { name: 'Delete for me' }).waitFor();
    expect(await his.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
    await b.keyboard.press('Escape');
    await his.waitFor({ state: 'detached' });

    const spam = bubble(a, 'Buy cheap ropes at my shop');
    const id = (await spam.getAttribute('data-id'))!;
    await act(a, spam, 'Delete');
    await a
      .getByTestId('delete-dialog')
      .getByRole('button', { name: 'Delete for everyone' })
      .click();
    await byId(a, id).getByTestId('tombstone').waitFor();
    await byId(b, id).getByTestId('tombstone').waitFor();
    expect(await bubble(b, 'Welcome to the crew').count()).toBe(1);
    await shot(b, 'group-tombstone');
    await a.context().close();
    await b.context().close();
  });
});

describe('past the edit window (MESSAGE_EDIT_WINDOW_HOURS=0)', () => {
  let app: App;
  let browser: Browser;
  let conversationId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage('actions-window', {}, { MESSAGE_EDIT_WINDOW_HOURS: '0' }));
    for (const who of [alice, bob]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const sent = await apiAlice.client.chat.send.mutate({
      to: apiBob.user.id,
      text: 'Too late to change this',
      clientMessageId: `window-1-${alice.username}`,
    });
    conversationId = sent.conversationId;
  });

  afterAll(() => stopStage(app, browser));

  it('offers no Edit, ↑ edits nothing, and Delete is for me only', async () => {
    const a = await signedIn(browser, app, alice, DESKTOP);
    await openConversation(a, conversationId);
    const mine = bubble(a, 'Too late to change this');
    await openMenu(a, mine);
    await a.getByRole('menuitem', { name: 'Message info', exact: true }).waitFor();
    expect(await a.getByRole('menuitem', { name: 'Edit', exact: true }).count()).toBe(0);
    await a.keyboard.press('Escape');

    await box(a).click();
    await box(a).press('ArrowUp');
    // Nothing to wait for when nothing happens: give a banner the time it would take.
    await a.waitForTimeout(500);
    expect(await a.getByTestId('edit-banner').count()).toBe(0);
    expect(await box(a).inputValue()).toBe('');

    await act(a, mine, 'Delete');
    const dialog = a.getByTestId('delete-dialog');
    await dialog.getByRole('button', { name: 'Delete for me' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
    await shot(a, 'window-closed-delete');
    await a.context().close();
  });
});
