/**
 * What a newcomer tripped over (issue 16), each as it was reproduced: unread messages, the way
 * back to the bottom, presence (offline, people not yet talked to), live profiles and the
 * contact panel, unsaved profile edits, search by any word, toasts, drafts and pending
 * previews, typing throttling, the theme, sends over the WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  bubbles,
  conversationItem,
  openChatWith,
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
  waitOnline,
  type App,
  type Browser,
  type BrowserContext,
  type Page,
} from './harness.ts';

const fromBottom = (page: Page) =>
  page
    .getByTestId('message-list')
    .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

describe('the polished client (desktop)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let ctxA: BrowserContext;
  let c: Page;
  const alice = person('Alice');
  const carol = person('Carol');
  const bob = { ...person('Bob'), displayName: 'Bob Builder' };
  /** HTTP calls to chat.send the page made (there should be none while the socket is open). */
  let httpSends = 0;
  let socketSends = 0;
  const typingAt: number[] = [];

  beforeAll(async () => {
    ({ app, browser } = await startStage('polish'));
    ({ page: a, context: ctxA } = await openPerson(browser, app));
    ({ page: c } = await openPerson(browser, app));
    a.on('request', (r) => {
      if (r.url().includes('chat.send')) httpSends += 1;
    });
    a.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(frame.payload));
        } catch {
          return;
        }
        for (const m of [parsed].flat() as { params?: { path?: string } }[]) {
          if (m.params?.path === 'chat.typing') typingAt.push(Date.now());
          if (m.params?.path === 'chat.send') socketSends += 1;
        }
      }),
    );
    await signUp(a, alice);
    await signUp(c, carol);
  });

  afterAll(() => stopStage(app, browser));

  it('opens at the first unread message under an "N unread" line and reads only what was seen', async () => {
    await openChatWith(a, carol);
    await send(a, 'Tell me everything');
    await a.getByRole('link', { name: /your profile/ }).click();
    const api = await apiAs(app, carol);
    const { items } = await api.client.chat.conversations.query({});
    const conversationId = items[0]!.id;
    for (let i = 1; i <= 60; i++)
      await api.client.chat.send.mutate({
        conversationId,
        text: `Part ${i} of the story`,
        clientMessageId: `story-${i}-${carol.username}`,
      });
    const item = conversationItem(a, carol);
    await until(async () => (await textOf(item.getByTestId('unread-badge'))) === '60', 'the badge');
    await item.click();
    const marker = a.getByTestId('unread-marker');
    await marker.waitFor();
    expect(await textOf(marker)).toBe('60 unread messages');
    await bubbles(a, 'Part 1 of the story').waitFor();
    // The first unread message is on screen, the newest is not.
    expect(await fromBottom(a)).toBeGreaterThan(1000);
    const onScreen = (text: string) =>
      bubbles(a, text).evaluate((node) => {
        const box = node.getBoundingClientRect();
        const view = node.closest('[data-testid="message-list"]')!.getBoundingClientRect();
        return box.top >= view.top && box.bottom <= view.bottom;
      });
    expect(await onScreen('Part 1 of the story')).toBe(true);
    expect(await onScreen('Part 60 of the story')).toBe(false);
    // Only what was seen is read: the badge goes down, not to nothing.
    await until(async () => {
      const n = Number(await textOf(item.getByTestId('unread-badge')).catch(() => '0'));
      return n > 0 && n < 60;
    }, 'some, not all, marked read');
    await new Promise((r) => setTimeout(r, 800));
    const left = Number(await textOf(item.getByTestId('unread-badge')));
    expect(left).toBeGreaterThan(30);
    await shot(a, 'opened-at-first-unread');
    // The day label scrolls with the messages (a sticky one covered their text), and bubbles
    // from others stand out from the background.
    const looks = await a.getByTestId('message-list').evaluate((list) => {
      const day = list.querySelector('[data-testid="day-separator"]')!.parentElement!;
      const bubble = list.querySelector('[data-mine="false"] > div')!;
      return {
        dayPosition: getComputedStyle(day).position,
        listBackground: getComputedStyle(list.parentElement!).backgroundColor,
        bubbleBackground: getComputedStyle(bubble).backgroundColor,
        bubbleEdge: getComputedStyle(bubble).boxShadow,
      };
    });
    expect(looks.dayPosition).not.toBe('sticky');
    expect(looks.bubbleBackground).not.toBe(looks.listBackground);
    expect(looks.bubbleEdge).not.toBe('none');

    // The ↓ button stays, with the unread count, and takes me to the newest message.
    const jump = a.getByTestId('jump-to-bottom');
    expect(await textOf(jump.getByTestId('jump-unread'))).toBe(String(left));
    await a.getByTestId('message-list').evaluate((el) => el.scrollBy({ top: -200 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await jump.isVisible()).toBe(true);
    await jump.click();
    await until(async () => (await fromBottom(a)) < 5, 'the bottom');
    await until(
      async () => (await item.getByTestId('unread-badge').count()) === 0,
      'all read at the bottom',
    );
    await jump.waitFor({ state: 'detached' });
    await shot(a, 'read-to-the-bottom');
  });

  it('shows the presence of someone I never talked to, as it is now', async () => {
    // Alice's page is loaded; Bob signs up (and is online) after.
    const { page: b } = await openPerson(browser, app);
    await signUp(b, bob);
    // Any word of a display name matches, not only its start.
    await a.getByLabel('Search people and groups').fill('Builder');
    const result = a.locator(`[data-testid="search-result"][data-username="${bob.username}"]`);
    await result.waitFor();
    await result.click();
    await a.getByTestId('peer-name').filter({ hasText: 'Bob Builder' }).waitFor();
    await until(async () => (await textOf(a.getByTestId('peer-status'))) === 'online', 'online');
    await shot(a, 'presence-of-a-stranger');

    // A message makes us contacts: Bob's profile changes reach Alice live.
    await send(a, 'Can we fix it?');
    await conversationItem(b, alice).click();
    await bubbles(b, 'Can we fix it?').waitFor();
    await b.getByRole('link', { name: /your profile/ }).click();
    await b.getByLabel('Display name').fill('Bob the Builder');
    await b.getByLabel('Bio').fill('Yes we can.');
    await b.getByRole('button', { name: 'Save' }).click();
    await until(
      async () => (await textOf(a.getByTestId('peer-name'))) === 'Bob the Builder',
      'the new name in the header, live',
    );
    await until(
      async () => (await textOf(conversationItem(a, bob))).includes('Bob the Builder'),
      'the new name in the list, live',
    );

    // Clicking the name opens the contact panel: picture, name, username, bio, presence.
    await a.getByTestId('open-info').click();
    const panel = a.getByTestId('contact-info');
    await panel.waitFor();
    expect(await textOf(panel.getByTestId('contact-name'))).toBe('Bob the Builder');
    expect(await textOf(panel.getByTestId('contact-bio'))).toBe('Yes we can.');
    expect(await textOf(panel.getByTestId('contact-presence'))).toBe('online');
    expect(await textOf(panel)).toContain(`@${bob.username}`);
    await shot(a, 'contact-info');
    await a.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await b.close();
  });

  it('keeps unsaved profile edits when I go elsewhere and come back', async () => {
    await a.getByRole('link', { name: /your profile/ }).click();
    await a.getByLabel('Display name').fill('Alice Archer');
    await conversationItem(a, carol).click();
    await a.getByRole('link', { name: /your profile/ }).click();
    expect(await a.getByLabel('Display name').inputValue()).toBe('Alice Archer');
    await a.getByTestId('unsaved-notice').waitFor();
    await shot(a, 'unsaved-profile-kept');
    await a.getByRole('button', { name: 'Discard changes' }).click();
    expect(await a.getByLabel('Display name').inputValue()).toBe('Alice');
  });

  it('remembers the theme I chose', async () => {
    const theme = () => a.evaluate(() => document.documentElement.dataset.theme);
    expect(await theme()).toBe('light');
    await a.getByRole('radio', { name: 'Dark' }).check({ force: true });
    expect(await theme()).toBe('dark');
    await shot(a, 'profile-dark');
    await a.reload();
    await waitOnline(a);
    expect(await theme()).toBe('dark');
    await a.getByRole('link', { name: /your profile/ }).click();
    await a.getByRole('radio', { name: 'System' }).check({ force: true });
    expect(await theme()).toBe('light');
  });

  it('shows a draft, and a message waiting for the network, as the preview', async () => {
    await conversationItem(a, carol).click();
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('half a thought');
    await a.getByRole('link', { name: /your profile/ }).click();
    const preview = conversationItem(a, carol).getByTestId('conversation-preview');
    expect(await textOf(preview)).toBe('Draft: half a thought');
    await conversationItem(a, carol).click();
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('');

    await ctxA.setOffline(true);
    await until(
      async () =>
        (await a.getByTestId('connection-state').getAttribute('data-state')) === 'offline',
      'offline',
    );
    // Offline inside the conversation: said there, and nobody's presence is claimed.
    await a.getByTestId('connection-notice').waitFor();
    expect(await textOf(a.getByTestId('peer-status'))).toBe('waiting for network…');
    expect(await a.locator('header').getByTestId('online-dot').count()).toBe(0);
    await send(a, 'Sent from a tunnel');
    await until(
      async () => (await textOf(preview)) === 'You: Sent from a tunnel',
      'the pending preview',
    );
    await shot(a, 'offline-pending-preview');
    await ctxA.setOffline(false);
    await waitOnline(a);
    await until(
      async () =>
        (await bubbles(a, 'Sent from a tunnel').getAttribute('data-status')) !== 'pending',
      'sent once back',
    );
  });

  it('keeps error toasts off the header, and speaks of pictures for a picture', async () => {
    // Any file can be sent now, so the error is an empty one.
    await a.getByTestId('attach-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(0),
    });
    const toast = a.getByTestId('toast').filter({ hasText: 'notes.txt is empty.' });
    await toast.waitFor();
    const header = await a.locator('section[aria-label^="Conversation with"] header').boundingBox();
    const box = await toast.boundingBox();
    expect(box!.y).toBeGreaterThan(header!.y + header!.height);
    await shot(a, 'toast-below-header');
    await a.getByRole('link', { name: /your profile/ }).click();
    await a.getByTestId('picture-input').setInputFiles({
      name: 'me.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not an image'),
    });
    await a
      .getByTestId('toast')
      .filter({ hasText: 'me.txt: only JPEG, PNG, WebP and GIF images can be used as a picture.' })
      .waitFor();
  });

  it('throttles typing below the server’s limit, and sends over the WebSocket', async () => {
    await conversationItem(a, carol).click();
    const box = a.getByRole('textbox', { name: 'Message', exact: true });
    typingAt.length = 0;
    // Fast typing, clearing and typing again: a burst of typing changes.
    for (let i = 0; i < 12; i++) {
      await box.pressSequentially('abc', { delay: 5 });
      await box.fill('');
    }
    await new Promise((r) => setTimeout(r, 800));
    expect(typingAt.length).toBeGreaterThan(1);
    const busiestSecond = Math.max(
      ...typingAt.map((t) => typingAt.filter((u) => u >= t && u < t + 1000).length),
    );
    expect(busiestSecond).toBeLessThanOrEqual(4);
    const toasts = await a.getByTestId('toast').allInnerTexts();
    expect(toasts.filter((t) => /too many/i.test(t))).toEqual([]);
    // Every message of this suite went over the socket; none over HTTP.
    expect(socketSends).toBeGreaterThan(0);
    expect(httpSends).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe('the polished client (375 px)', () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, browser } = await startStage('polish-mobile'));
  });

  afterAll(() => stopStage(app, browser));

  it('shows the connection inside the conversation, and a long name does not wrap the placeholder', async () => {
    const alice = person('Alice');
    const long = {
      ...person('Maximiliana'),
      displayName: 'Maximiliana Alexandrina Featherstonehaugh',
    };
    const { page: m } = await openPerson(browser, app, PHONE, 'dark');
    const { page: a, context } = await openPerson(browser, app, PHONE, 'light');
    await signUp(m, long);
    await signUp(a, alice);
    await openChatWith(a, long);
    const box = a.getByRole('textbox', { name: 'Message', exact: true });
    const placeholder = await box.getAttribute('placeholder');
    expect(placeholder).toBe('Message Maximiliana');
    const one = await box.evaluate((el) => {
      const style = getComputedStyle(el);
      return el.getBoundingClientRect().height < parseFloat(style.lineHeight) * 2;
    });
    expect(one).toBe(true);
    await context.setOffline(true);
    await a.getByTestId('connection-notice').waitFor();
    expect(await textOf(a.getByTestId('peer-status'))).toBe('waiting for network…');
    await shot(a, 'phone-offline-in-conversation');
    await context.setOffline(false);
    await waitOnline(a);
    await a.getByTestId('connection-notice').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
