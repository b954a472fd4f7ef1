/**
 * Safety and privacy in Chromium, against the real server (with an administrator configured):
 * Alice blocks Bob (his messages stop reaching her, her presence stops reaching him, she sees
 * the banner and unblocks), "Nobody" hides last seen both ways, read receipts off, a member
 * reports a message and an administrator resolves it while a member cannot open the reports.
 * Then every new screen at desktop and 375 px, light and dark, each checked with axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  bubbles,
  conversationItem,
  DESKTOP,
  logIn,
  openPerson,
  pageErrors,
  person,
  send,
  shot,
  signUpApi,
  startStage,
  stopStage,
  textOf,
  until,
  waitOnline,
  type App,
  type Browser,
  type Page,
  type Person,
} from './harness.ts';
import { LOOKS, seriousViolations } from './axe.ts';

const alice = person('Alice');
const bob = person('Bob');
const admin = person('Moderator');

async function signedIn(
  browser: Browser,
  app: App,
  who: Person,
  viewport = DESKTOP,
  scheme: 'light' | 'dark' = 'light',
) {
  const { page } = await openPerson(browser, app, viewport, scheme);
  await logIn(page, who);
  return page;
}

async function openConversation(page: Page, conversationId: string) {
  await page.goto(`/c/${conversationId}`);
  await page.getByTestId('peer-name').waitFor();
}

const peerStatus = (page: Page) => textOf(page.getByTestId('peer-status'));

async function openSettings(page: Page) {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await page.getByTestId('last-seen-setting').waitFor();
}

describe('safety and privacy in Chromium (desktop, light)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let directId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage('safety', {}, { ADMIN_USERNAMES: admin.username }));
    for (const who of [alice, bob, admin]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const first = await apiBob.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Hi Alice, it is Bob',
      clientMessageId: `safety-1-${bob.username}`,
    });
    directId = first.conversationId;
    a = await signedIn(browser, app, alice);
    b = await signedIn(browser, app, bob);
  });

  afterAll(() => stopStage(app, browser));

  it('Alice blocks Bob: his messages stop reaching her, he stops seeing her presence, she unblocks', async () => {
    await openConversation(a, directId);
    await openConversation(b, directId);
    await until(async () => (await peerStatus(b)) === 'online', 'Bob to see Alice online');

    await a.getByTestId('conversation-header-menu').click();
    await a.getByRole('menuitem', { name: `Block ${bob.displayName}` }).click();
    const dialog = a.getByTestId('block-dialog');
    await expect(textOf(dialog)).resolves.toMatch(/not see your online status, last seen/);
    await shot(a, 'block-dialog');
    await a.getByTestId('confirm-block').click();
    const banner = a.getByTestId('blocked-banner');
    await banner.waitFor();
    expect(await textOf(banner)).toMatch(`You blocked ${bob.displayName}.`);
    expect(await a.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0);
    await shot(a, 'blocked-banner');

    // Bob is not told; his message is sent but never reaches Alice.
    await send(b, 'Are you ignoring me?');
    await until(
      async () => (await bubbles(b, 'Are you ignoring me?').getAttribute('data-status')) === 'sent',
      'Bob’s message to be sent',
    );
    await a.waitForTimeout(1500);
    expect(await bubbles(a, 'Are you ignoring me?').count()).toBe(0);
    expect(await bubbles(b, 'Are you ignoring me?').getAttribute('data-status')).toBe('sent');

    // Alice is still online, but Bob, whom she blocked, no longer sees it (nor her last seen).
    await b.reload();
    await b.getByTestId('peer-name').waitFor();
    await until(async () => (await peerStatus(b)) === 'offline', 'Bob to see no presence of Alice');
    await b.waitForTimeout(1000);
    expect(await peerStatus(b)).toBe('offline');

    // The blocked list in Settings has him.
    await openSettings(a);
    const listed = a.locator(`[data-testid="blocked-person"][data-username="${bob.username}"]`);
    await listed.waitFor();
    await shot(a, 'settings-with-blocked');

    await openConversation(a, directId);
    await a.getByTestId('blocked-banner').getByRole('button', { name: 'Unblock' }).click();
    await a.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
    await send(b, 'Back again');
    await bubbles(a, 'Back again').waitFor();
    expect(await bubbles(a, 'Are you ignoring me?').count()).toBe(0);
  });

  it('"Nobody" hides last seen and online status both ways', async () => {
    await openConversation(a, directId);
    await openConversation(b, directId);
    await until(async () => (await peerStatus(a)) === 'online', 'Alice to see Bob online');
    await until(async () => (await peerStatus(b)) === 'online', 'Bob to see Alice online');

    await openSettings(a);
    // Alice's other tab follows the change (settings.changed), without a reload.
    const otherTab = await a.context().newPage();
    await otherTab.goto('/settings');
    await waitOnline(otherTab);
    await otherTab.getByRole('radio', { name: 'Everyone' }).waitFor({ state: 'attached' });
    await a.getByTestId('last-seen-setting').getByText('Nobody').click();
    await until(
      async () => (await a.getByRole('radio', { name: 'Nobody' }).isChecked()) === true,
      'the choice to show',
    );
    await shot(a, 'settings-nobody');
    await until(
      () => otherTab.getByRole('radio', { name: 'Nobody' }).isChecked(),
      'the other tab to show "Nobody"',
    );
    await otherTab.close();
    // Saved on the server, not only on screen.
    const apiAlice = await apiAs(app, alice);
    await until(
      async () => (await apiAlice.client.users.settings.query()).lastSeen === 'nobody',
      'the setting to be saved',
    );

    await b.reload();
    await b.getByTestId('peer-name').waitFor();
    await until(async () => (await peerStatus(b)) === 'offline', 'Bob to see nothing of Alice');
    // Symmetric: Alice no longer sees Bob's either, though he is online (no reload needed).
    await conversationItem(a, bob).click();
    await a.getByTestId('peer-name').waitFor();
    await until(async () => (await peerStatus(a)) === 'offline', 'Alice to see nothing of Bob');

    await openSettings(a);
    await a.getByTestId('last-seen-setting').getByText('Everyone').click();
    await conversationItem(a, bob).click();
    await until(async () => (await peerStatus(a)) === 'online', 'Alice to see Bob again');
  });

  it('read receipts off: neither side sees "read" in their direct conversation', async () => {
    await openSettings(a);
    const receipts = a.getByTestId('read-receipts-switch');
    await receipts.click();
    await until(async () => (await receipts.getAttribute('aria-checked')) === 'false', 'off');
    await shot(a, 'settings-receipts-off');

    await openConversation(b, directId);
    await send(b, 'Did you read this?');
    await openConversation(a, directId);
    await bubbles(a, 'Did you read this?').waitFor();
    await until(
      async () =>
        (await bubbles(b, 'Did you read this?').getAttribute('data-status')) === 'delivered',
      'Bob’s message delivered',
    );
    await send(a, 'I will not say');
    await bubbles(b, 'I will not say').waitFor();
    await until(
      async () => (await bubbles(a, 'I will not say').getAttribute('data-status')) === 'delivered',
      'Alice’s message delivered',
    );
    await a.waitForTimeout(1500);
    expect(await bubbles(b, 'Did you read this?').getAttribute('data-status')).toBe('delivered');
    expect(await bubbles(a, 'I will not say').getAttribute('data-status')).toBe('delivered');

    // Back on: both see what the other read.
    await openSettings(a);
    await a.getByTestId('read-receipts-switch').click();
    // Saved on the server before Alice reads: a read while they were still off stays private.
    const aliceNow = await apiAs(app, alice);
    await until(
      async () => (await aliceNow.client.users.settings.query()).readReceipts,
      'receipts on, saved',
    );
    await openConversation(a, directId);
    await until(
      async () => (await bubbles(b, 'Did you read this?').getAttribute('data-status')) === 'read',
      'Bob’s message read once receipts are back',
    );
  });

  it('a member reports a message, an admin resolves it, and a member cannot open the reports', async () => {
    await openConversation(b, directId);
    await send(b, 'You are a terrible person');
    await openConversation(a, directId);
    const rude = bubbles(a, 'You are a terrible person');
    await rude.waitFor();
    await rude.hover();
    await rude.getByTestId('message-menu').click();
    await a.getByRole('menuitem', { name: 'Report' }).click();
    const dialog = a.getByTestId('report-dialog');
    await dialog.getByLabel('Harassment, threats or hate').check();
    await dialog.getByLabel('Anything to add? (optional)').fill('He keeps doing this.');
    await shot(a, 'report-dialog');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await a.getByTestId('toast').filter({ hasText: 'Report sent' }).waitFor();
    expect(await dialog.count()).toBe(0);

    // A report about the person, blocking him at the same time.
    await a.getByTestId('conversation-header-menu').click();
    await a.getByRole('menuitem', { name: `Report ${bob.displayName}` }).click();
    await a.getByTestId('report-dialog').getByLabel('Spam or a scam').check();
    await a.getByTestId('also-block').check();
    await a.getByTestId('report-dialog').getByRole('button', { name: 'Send report' }).click();
    await a.getByTestId('blocked-banner').waitFor();
    await a.getByTestId('blocked-banner').getByRole('button', { name: 'Unblock' }).click();
    await a.getByRole('textbox', { name: 'Message', exact: true }).waitFor();

    // A member has no link to the reports, and is turned away at the address.
    await openSettings(a);
    expect(await a.getByTestId('admin-reports-link').count()).toBe(0);
    await a.goto('/admin/reports');
    await a.getByTestId('not-allowed').waitFor();
    await shot(a, 'reports-not-allowed');

    const m = await signedIn(browser, app, admin);
    await openSettings(m);
    await m.getByTestId('admin-reports-link').click();
    const report = m
      .getByTestId('report')
      .filter({ has: m.getByTestId('report-context').getByText('You are a terrible person') });
    await report.waitFor();
    const people = await textOf(report.getByTestId('report-people'));
    expect(people).toContain(`${alice.displayName} (@${alice.username}) reported`);
    expect(people).toContain(`${bob.displayName} (@${bob.username})`);
    expect(await textOf(report)).toContain('He keeps doing this.');
    expect(await report.locator('[data-reported="true"]').innerText()).toContain(
      'You are a terrible person',
    );
    expect(await m.getByTestId('report').count()).toBe(2);
    await shot(m, 'reports-open');

    await report.getByRole('button', { name: 'Warned the member' }).click();
    await report.getByRole('button', { name: 'Resolve' }).click();
    await until(async () => (await m.getByTestId('report').count()) === 1, 'one open report left');
    await m.getByTestId('report-filter').getByText('Resolved').click();
    const resolved = m.locator('[data-testid="report"][data-status="resolved"]');
    await resolved.waitFor();
    expect(await textOf(resolved.getByTestId('resolution'))).toMatch(/Warned the member/);
    await shot(m, 'reports-resolved');
    await m.context().close();
  });

  it('threw no errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the new screens at every size and theme, with axe', () => {
  let app: App;
  let browser: Browser;
  let directId = '';

  beforeAll(async () => {
    ({ app, browser } = await startStage('safety-looks', {}, { ADMIN_USERNAMES: admin.username }));
    for (const who of [alice, bob, admin]) await signUpApi(app, who);
    const apiAlice = await apiAs(app, alice);
    const apiBob = await apiAs(app, bob);
    const first = await apiBob.client.chat.send.mutate({
      to: apiAlice.user.id,
      text: 'Buy cheap watches at my site!!!',
      clientMessageId: `looks-1-${bob.username}`,
    });
    directId = first.conversationId;
    // More than a page of reports (20), from two people (each may send 20 an hour); the one
    // about the message is the newest.
    await apiBob.client.users.report.mutate({
      userId: apiAlice.user.id,
      reason: 'impersonation',
      details: 'The oldest of them all.',
    });
    for (let i = 0; i < 10; i += 1) {
      await apiAlice.client.users.report.mutate({ userId: apiBob.user.id, reason: 'other' });
      await apiBob.client.users.report.mutate({ userId: apiAlice.user.id, reason: 'spam' });
    }
    await apiAlice.client.users.report.mutate({
      messageId: first.id,
      reason: 'spam',
      details: 'Unsolicited advertising, the third time this week.',
    });
    await apiAlice.client.users.block.mutate({ userId: apiBob.user.id });
  });

  afterAll(() => stopStage(app, browser));

  it.each(LOOKS)(
    'settings, blocked banner, dialogs and reports (%s)',
    async (name, viewport, scheme) => {
      const findings: string[] = [];
      const look = async (page: Page, screen: string, audit = false) => {
        if (audit) findings.push(...(await seriousViolations(page, screen)));
        await shot(page, `${name}-${screen}`);
      };

      const a = await signedIn(browser, app, alice, viewport, scheme);
      await a.goto('/settings');
      await a.getByTestId('blocked-person').waitFor();
      await look(a, 'settings', true);

      await openConversation(a, directId);
      await a.getByTestId('blocked-banner').waitFor();
      await look(a, 'blocked-banner');
      await a.getByTestId('conversation-header-menu').click();
      await look(a, 'person-menu');
      await a.getByRole('menuitem', { name: `Report ${bob.displayName}` }).click();
      await a.getByTestId('report-dialog').waitFor();
      await look(a, 'report-dialog', true);
      await a.keyboard.press('Escape');

      await a.goto(`/c/${directId}/info`);
      await a.getByTestId('person-safety').waitFor();
      await a.getByTestId('person-safety').scrollIntoViewIfNeeded();
      await look(a, 'contact-info-safety');
      expect(await textOf(a.getByTestId('toggle-block'))).toBe(`Unblock ${bob.displayName}`);
      await a.goto('/admin/reports');
      await a.getByTestId('not-allowed').waitFor();
      await look(a, 'reports-not-allowed');
      await a.context().close();

      const m = await signedIn(browser, app, admin, viewport, scheme);
      await m.goto('/admin/reports');
      await m.getByTestId('report').first().waitFor();
      await look(m, 'reports', true);
      await m.context().close();

      expect(findings).toEqual([]);
    },
  );

  it('pages through older reports', async () => {
    const m = await signedIn(browser, app, admin);
    await m.goto('/admin/reports');
    await until(async () => (await m.getByTestId('report').count()) === 20, 'the first page');
    expect(await m.getByText('The oldest of them all.').count()).toBe(0);
    await m.getByRole('button', { name: 'Show older reports' }).click();
    await until(async () => (await m.getByTestId('report').count()) === 22, 'the second page');
    await m.getByText('The oldest of them all.').waitFor();
    expect(await m.getByRole('button', { name: 'Show older reports' }).count()).toBe(0);
    await m.context().close();
  });
});
