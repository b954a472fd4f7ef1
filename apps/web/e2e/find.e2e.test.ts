/**
 * Find and notice in Chromium, against the real server: message search and jumping to a
 * message in context; browser notifications (permission granted to the context, the
 * Notification constructor recorded by an init script); organising chats across two pages of
 * the same person and a reload; the service worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  conversationItem,
  DESKTOP,
  openChatWith,
  openPerson,
  pageErrors,
  PHONE,
  person,
  shot,
  signUp,
  signUpApi,
  startStage,
  stopStage,
  textOf,
  until,
  logIn,
  type App,
  type Browser,
  type BrowserContext,
  type Page,
} from './harness.ts';

/** Records every notification the page makes (and keeps the last, to click it). */
const RECORD_NOTIFICATIONS = `
  (() => {
    const Real = window.Notification;
    if (!Real) return;
    window.__notes = [];
    class Recorded extends Real {
      constructor(title, options = {}) {
        super(title, options);
        window.__notes.push({ title, body: options.body ?? null, tag: options.tag ?? null });
        window.__lastNote = this;
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Recorded.requestPermission = (...args) => Real.requestPermission(...args);
    window.Notification = Recorded;
  })();
`;

type Note = { title: string; body: string | null; tag: string | null };
const notes = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notes: Note[] }).__notes ?? []);

/** Pretends the tab went to the background (what the engine listens to). */
const hideTab = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });

const menuOf = (page: Page, item: ReturnType<typeof conversationItem>) =>
  item.locator('xpath=..').getByTestId('conversation-menu');

async function choose(page: Page, item: ReturnType<typeof conversationItem>, label: string) {
  await item.hover();
  await menuOf(page, item).click();
  await page.getByRole('menuitem', { name: label, exact: true }).click();
}

describe('Find and notice', () => {
  let app: App;
  let browser: Browser;
  let ctx: BrowserContext;
  let a: Page;
  const alice = person('Alice');
  const bob = person('Bob');
  const carol = person('Carol');
  let bobApi: Awaited<ReturnType<typeof apiAs>>;
  let carolApi: Awaited<ReturnType<typeof apiAs>>;
  let aliceId: string;
  let bobChat: string;
  let needleId: string;

  beforeAll(async () => {
    ({ app, browser } = await startStage('find'));
    ({ context: ctx, page: a } = await openPerson(browser, app));
    await ctx.grantPermissions(['notifications'], { origin: app.url });
    await ctx.addInitScript(RECORD_NOTIFICATIONS);
    await signUp(a, alice);
    await signUpApi(app, bob);
    await signUpApi(app, carol);
    bobApi = await apiAs(app, bob);
    carolApi = await apiAs(app, carol);
    aliceId = (await apiAs(app, alice)).user.id;

    // Bob's history with Alice: 130 messages, the one to find near the start (not loaded at first).
    for (let i = 0; i < 130; i++) {
      const text = i === 8 ? 'The zebra crossing marmalade recipe' : `filler line number ${i}`;
      const m = await bobApi.client.chat.send.mutate({
        to: aliceId,
        text,
        clientMessageId: `seed-bob-${i}-xxxx`,
      });
      bobChat = m.conversationId;
      if (i === 8) needleId = m.id;
    }
    await carolApi.client.chat.send.mutate({
      to: aliceId,
      text: 'Hi from Carol',
      clientMessageId: 'seed-carol-1-xxxx',
    });
  });

  afterAll(() => stopStage(app, browser));

  it('finds a message in another conversation and opens it highlighted, in context', async () => {
    await openChatWith(a, carol);
    await a.getByLabel('Search people and groups').fill('marmal');
    await a.getByRole('tab', { name: 'Messages' }).click();
    const result = a.getByTestId('message-result');
    await result.first().waitFor();
    expect(await result.count()).toBe(1);
    expect(await result.getAttribute('data-message-id')).toBe(needleId);
    expect(await textOf(result)).toContain('Bob');
    expect(await result.getByTestId('search-match').allInnerTexts()).toEqual(['marmalade']);
    await shot(a, 'message-search-desktop-light');

    await result.click();
    await a.waitForURL(`**/c/${bobChat}`);
    const bubble = a.locator(`[data-testid="message"][data-id="${needleId}"]`);
    await until(
      async () => (await bubble.getAttribute('data-highlighted')) === 'true',
      'the message to be highlighted',
    );
    expect(await bubble.isVisible()).toBe(true);
    const box = await bubble.boundingBox();
    expect(box && box.y > 0 && box.y < DESKTOP.height).toBe(true);
    // In context: the messages before and after it are there.
    await a
      .getByTestId('message-list')
      .getByText('filler line number 7', { exact: true })
      .waitFor();
    await a
      .getByTestId('message-list')
      .getByText('filler line number 9', { exact: true })
      .waitFor();
    await shot(a, 'message-in-context-desktop-light');

    // Paging down from there reaches the newest message.
    await a.getByTestId('jump-to-bottom').click();
    await a
      .getByTestId('message-list')
      .getByText('filler line number 129', { exact: true })
      .waitFor();
  });

  it('searches within the open conversation from its header', async () => {
    await a.getByTestId('search-conversation').click();
    await a.getByLabel('Search messages in this conversation').fill('zebra');
    const result = a.getByTestId('conversation-search').getByTestId('message-result');
    await result.first().waitFor();
    expect(await result.count()).toBe(1);
    await shot(a, 'conversation-search-desktop-light');
    await result.click();
    const bubble = a.locator(`[data-testid="message"][data-id="${needleId}"]`);
    await until(
      async () => (await bubble.getAttribute('data-highlighted')) === 'true',
      'the message to be highlighted',
    );
    expect(await a.getByTestId('conversation-search').count()).toBe(0);
  });

  it('notifies of a message in another conversation; a click opens it', async () => {
    await conversationItem(a, carol).click();
    await a.getByTestId('notification-offer').waitFor();
    await shot(a, 'notification-offer-desktop-light');
    await a.getByTestId('enable-notifications').click();
    await until(
      async () => (await a.getByTestId('notification-offer').count()) === 0,
      'the offer to go',
    );

    await bobApi.client.chat.send.mutate({
      to: aliceId,
      text: 'Lunch at noon?',
      clientMessageId: 'notify-bob-1-xxxx',
    });
    await until(async () => (await notes(a)).length === 1, 'a notification');
    expect(await notes(a)).toEqual([
      { title: 'Bob', body: 'Lunch at noon?', tag: `conversation-${bobChat}` },
    ]);

    await a.evaluate(() =>
      (window as unknown as { __lastNote: Notification }).__lastNote.dispatchEvent(
        new Event('click'),
      ),
    );
    await a.waitForURL(`**/c/${bobChat}`);
    await a.getByTestId('peer-name').filter({ hasText: bob.displayName }).waitFor();
  });

  it('notifies in a hidden tab, says only "New message" with previews off', async () => {
    await hideTab(a);
    await bobApi.client.chat.send.mutate({
      to: aliceId,
      text: 'Are you there?',
      clientMessageId: 'notify-bob-2-xxxx',
    });
    await until(async () => (await notes(a)).length === 2, 'a second notification');
    expect((await notes(a))[1]).toMatchObject({ title: 'Bob', body: 'Are you there?' });

    const aliceApi = await apiAs(app, alice);
    await aliceApi.client.users.updateSettings.mutate({ notificationPreviews: false });
    await bobApi.client.chat.send.mutate({
      to: aliceId,
      text: 'A secret',
      clientMessageId: 'notify-bob-3-xxxx',
    });
    await until(async () => (await notes(a)).length === 3, 'a third notification');
    expect((await notes(a))[2]).toMatchObject({ title: 'Parley', body: 'New message' });
    await aliceApi.client.users.updateSettings.mutate({ notificationPreviews: true });
    await a.reload();
    await a.getByTestId('peer-name').waitFor();
  });

  it('a muted conversation stays silent', async () => {
    await conversationItem(a, carol).click();
    await choose(a, conversationItem(a, bob), 'Mute always');
    await conversationItem(a, bob).getByTestId('muted-mark').waitFor();
    const before = (await notes(a)).length;
    await bobApi.client.chat.send.mutate({
      to: aliceId,
      text: 'Still muted?',
      clientMessageId: 'notify-bob-4-xxxx',
    });
    await until(
      async () =>
        (await textOf(conversationItem(a, bob).getByTestId('conversation-preview'))) ===
        'Still muted?',
      'the message to reach the list',
    );
    await a.waitForTimeout(500);
    expect((await notes(a)).length).toBe(before);
    // Carol is not muted: her message notifies (the tab shows Carol's chat, so hide it).
    await hideTab(a);
    await carolApi.client.chat.send.mutate({
      to: aliceId,
      text: 'Not muted',
      clientMessageId: 'notify-carol-2-xxxx',
    });
    await until(async () => (await notes(a)).length === before + 1, 'Carol’s notification');
    expect((await notes(a)).at(-1)).toMatchObject({ title: 'Carol', body: 'Not muted' });
    await a.reload();
    await conversationItem(a, bob).waitFor();
  });

  it('mute, pin, archive and unread reach a second page live and survive a reload', async () => {
    const a2 = await ctx.newPage();
    await a2.goto('/');
    await conversationItem(a2, bob).waitFor();
    // The first page is the one in front (the second follows in the background).
    await a.bringToFront();
    expect(await conversationItem(a2, bob).getAttribute('data-muted')).toBe('true');

    // Pin Carol: first in both lists, with the pin mark.
    await choose(a, conversationItem(a, carol), 'Pin to top');
    await conversationItem(a2, carol).getByTestId('pinned-mark').waitFor();
    const first = a2.getByTestId('conversation-item').first();
    expect(await first.getAttribute('data-username')).toBe(carol.username);

    // Archive Bob (muted): out of the list, under "Archived", even when he writes.
    await choose(a, conversationItem(a, bob), 'Archive');
    await until(async () => (await conversationItem(a2, bob).count()) === 0, 'Bob to be archived');
    expect(await textOf(a2.getByTestId('archived-entry'))).toContain('1');
    await bobApi.client.chat.send.mutate({
      to: aliceId,
      text: 'Muted and archived',
      clientMessageId: 'archive-bob-1-xxxx',
    });
    await a2.waitForTimeout(500);
    expect(await conversationItem(a2, bob).count()).toBe(0);
    await a2.getByTestId('archived-entry').click();
    await conversationItem(a2, bob).waitFor();
    await shot(a2, 'archived-desktop-light');
    await a2.getByTestId('archived-back').click();

    // Archive Carol (not muted): her next message brings her back.
    await choose(a, conversationItem(a, carol), 'Archive');
    await until(async () => (await conversationItem(a2, carol).count()) === 0, 'Carol archived');
    await carolApi.client.chat.send.mutate({
      to: aliceId,
      text: 'I am back',
      clientMessageId: 'archive-carol-1-xxxx',
    });
    await conversationItem(a2, carol).waitFor();
    await conversationItem(a, carol).waitFor();

    // Mark Carol unread (her chat is open on the first page, so it is read): a dot.
    await until(
      async () => (await conversationItem(a, carol).getByTestId('unread-badge').count()) === 0,
      'Carol to be read',
    );
    await choose(a, conversationItem(a, carol), 'Mark as unread');
    await conversationItem(a2, carol).getByTestId('unread-dot').waitFor();

    // After a reload, all of it is still so.
    await a.reload();
    await conversationItem(a, carol).getByTestId('pinned-mark').waitFor();
    expect(await conversationItem(a, carol).getAttribute('data-marked-unread')).toBe('true');
    expect(await conversationItem(a, bob).count()).toBe(0);
    await a.getByTestId('archived-entry').click();
    expect(await conversationItem(a, bob).getAttribute('data-muted')).toBe('true');
    await a.getByTestId('archived-back').click();

    // The menu, open, for the screenshot; then the header menu unmutes and unarchives.
    await conversationItem(a, carol).hover();
    await menuOf(a, conversationItem(a, carol)).click();
    await shot(a, 'conversation-menu-desktop-light');
    await a.keyboard.press('Escape');
    await a2.close();
  });

  it('serves /sw.js revalidated, and registers it once notifications are on', async () => {
    const res = await fetch(`${app.url}/sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const scope = await until(
      () =>
        a.evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration('/sw.js');
          return r?.active ? r.scope : null;
        }),
      'the service worker to be active',
    );
    expect(scope).toBe(`${app.url}/`);
  });

  it('the service worker shows a pushed message and skips the conversation on screen', async () => {
    const cdp = await ctx.newCDPSession(a);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) =>
      registrations.push(...e.registrations),
    );
    await cdp.send('ServiceWorker.enable');
    const reg = (await until(
      () => registrations.find((r) => r.scopeURL === `${app.url}/`),
      'the registration',
    ))!;
    const push = (conversationId: string, title: string) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: app.url,
        registrationId: reg.registrationId,
        data: JSON.stringify({
          type: 'message',
          conversationId,
          messageId: 'm1',
          title,
          body: 'From the push service',
          mention: false,
          sentAt: new Date().toISOString(),
        }),
      });
    const shown = () =>
      a.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration('/sw.js');
        return (await r!.getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
        }));
      });

    // The conversation on screen: no notification. Another one: shown.
    await a.bringToFront();
    await conversationItem(a, carol).click();
    const carolChat = new URL(a.url()).pathname.split('/')[2]!;
    await push(carolChat, 'Carol');
    await push(bobChat, 'Bob');
    const list = await until(async () => {
      const n = await shown();
      return n.length > 0 ? n : null;
    }, 'a push notification');
    expect(list).toEqual([
      { title: 'Bob', body: 'From the push service', tag: `conversation-${bobChat}` },
    ]);
    await cdp.detach();
  });

  it('looks right on a phone and in dark mode', async () => {
    for (const [viewport, scheme] of [
      [DESKTOP, 'dark'],
      [PHONE, 'light'],
      [PHONE, 'dark'],
    ] as const) {
      const { context, page } = await openPerson(browser, app, viewport, scheme);
      const tag = `${viewport === PHONE ? 'phone' : 'desktop'}-${scheme}`;
      await logIn(page, alice);
      await page.getByLabel('Search people and groups').fill('marmal');
      await page.getByRole('tab', { name: 'Messages' }).click();
      await page.getByTestId('message-result').first().waitFor();
      await shot(page, `message-search-${tag}`);
      await page.getByTestId('message-result').first().click();
      await page
        .locator(`[data-testid="message"][data-id="${needleId}"][data-highlighted="true"]`)
        .waitFor();
      await shot(page, `message-in-context-${tag}`);
      await page.getByTestId('conversation-header-menu').click();
      await shot(page, `header-menu-${tag}`);
      await page.keyboard.press('Escape');
      await page.goto('/settings');
      await page.getByTestId('notification-settings').scrollIntoViewIfNeeded();
      await shot(page, `notification-settings-${tag}`);
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
