/**
 * Rich message text (issue 18): links as safe links with the server's preview of the page (a
 * loopback site the server is configured to allow), the Markdown subset with HTML shown as text,
 * and emoji alone shown large and in colour; desktop and 375 px, light and dark.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  conversationItem,
  DESKTOP,
  logIn,
  openChatWith,
  openPerson,
  pageErrors,
  person,
  PHONE,
  send,
  shot,
  signUp,
  signUpApi,
  startStage,
  stopStage,
  type App,
  type Browser,
  type Page,
} from './harness.ts';
import { png } from './images.ts';

/** A small web site on loopback: an article with Open Graph tags and its picture. */
async function startSite() {
  const cover = png(1200, 630, { hue: 1 });
  const server = http.createServer((req, res) => {
    if (req.url === '/article') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Article</title>
        <meta property="og:title" content="Parley keeps every message">
        <meta property="og:description" content="How a chat app survives reconnects, restarts and flaky phones without losing a word.">
        <meta property="og:site_name" content="Loopback Weekly">
        <meta property="og:image" content="/cover.png"></head><body>Hello</body></html>`);
    } else if (req.url === '/cover.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(cover);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('gone');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const FORMATTED = [
  '**Bold** and _italic_ and ~~struck~~ with `inline code`',
  '```',
  'const answer = 42;',
  '```',
  '> quoted words',
  '- first point',
  '- second point',
  '1. step one',
  '2. step two',
  '<script>window.hacked = true</script>',
].join('\n');

/** Whether the element's text, drawn with its own font, has colourful pixels (not a black outline). */
function drawnInColour(page: Page, testId: string) {
  return page
    .getByTestId(testId)
    .last()
    .evaluate((el) => {
      const style = getComputedStyle(el);
      const canvas = document.createElement('canvas');
      canvas.width = 200;
      canvas.height = 80;
      const ctx = canvas.getContext('2d')!;
      ctx.font = `48px ${style.fontFamily}`;
      ctx.textBaseline = 'top';
      ctx.fillText(el.textContent ?? '', 4, 4);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let colourful = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) colourful += 1;
      }
      return colourful;
    });
}

describe('rich message text', () => {
  let app: App;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startSite>>;
  const alice = person('Alice');
  const bob = person('Bob');

  beforeAll(async () => {
    site = await startSite();
    ({ app, browser } = await startStage('rich-text', {
      linkPreviews: { enabled: true, allow: parseAllowList('127.0.0.1'), timeoutMs: 5000 },
    }));
    await signUpApi(app, bob);
  });

  afterAll(async () => {
    await stopStage(app, browser);
    await site?.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows a link as a safe link with its preview, formatting, and emoji alone large and in colour', async () => {
    const { page } = await openPerson(browser, app, DESKTOP, 'light');
    await signUp(page, alice);
    await openChatWith(page, bob);

    const url = `${site.origin}/article`;
    await send(page, `Read this: ${url} (it is short)`);
    const link = page.getByTestId('message-text').getByRole('link', { name: url });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(url);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    const card = page.getByTestId('link-preview');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('href')).toBe(url);
    expect(await card.getAttribute('rel')).toBe('noopener noreferrer');
    await expect.poll(() => card.innerText()).toContain('Parley keeps every message');
    expect(await card.innerText()).toContain('Loopback Weekly');
    expect(await card.innerText()).toContain('without losing a word');
    const picture = card.locator('img');
    await expect
      .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(320);

    // A link whose page has no preview shows no card, and no error.
    const { client } = await apiAs(app, bob);
    const conversationId = (await client.chat.conversations.query({ limit: 5 })).items[0]!.id;
    await client.chat.send.mutate({
      conversationId,
      text: `This one is gone: ${site.origin}/missing`,
      clientMessageId: `cid_${crypto.randomUUID()}`,
    });
    await page
      .getByTestId('message-list')
      .getByRole('link', { name: `${site.origin}/missing` })
      .waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('link-preview').count()).toBe(1);

    await send(page, FORMATTED);
    const formatted = page.getByTestId('message-text').filter({ hasText: 'quoted words' });
    await formatted.waitFor();
    expect(await formatted.locator('strong').innerText()).toBe('Bold');
    expect(await formatted.locator('em').innerText()).toBe('italic');
    expect(await formatted.locator('s').innerText()).toBe('struck');
    expect(await formatted.locator('p code').innerText()).toBe('inline code');
    expect(await formatted.locator('pre').innerText()).toBe('const answer = 42;');
    expect(await formatted.locator('blockquote').innerText()).toBe('quoted words');
    expect(await formatted.locator('ul > li').allInnerTexts()).toEqual([
      'first point',
      'second point',
    ]);
    expect(await formatted.locator('ol > li').allInnerTexts()).toEqual(['step one', 'step two']);
    expect(await formatted.innerText()).toContain('<script>window.hacked = true</script>');
    expect(await page.evaluate(() => (window as { hacked?: boolean }).hacked)).toBeUndefined();
    // The conversation list shows the words, not the markup.
    const preview = await conversationItem(page, bob).innerText();
    expect(preview).toContain('Bold and italic');
    expect(preview).not.toContain('**');

    await send(page, '🎉👍🏽');
    const emoji = page.locator('[data-testid="message-text"][data-emoji-only="true"]');
    await emoji.waitFor();
    const fontSize = await emoji.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(40);
    const bubbleBackground = await emoji.evaluate(
      (el) => getComputedStyle(el.parentElement!).backgroundColor,
    );
    expect(bubbleBackground).toBe('rgba(0, 0, 0, 0)');
    expect(await drawnInColour(page, 'message-text')).toBeGreaterThan(100);
    await shot(page, 'desktop-light');
  });

  it.each([
    ['desktop-dark', DESKTOP, 'dark'],
    ['phone-light', PHONE, 'light'],
    ['phone-dark', PHONE, 'dark'],
  ] as const)('looks right: %s', async (name, viewport, scheme) => {
    const { page, context } = await openPerson(browser, app, viewport, scheme);
    await logIn(page, alice);
    if (viewport === PHONE) await conversationItem(page, bob).click();
    else await openChatWith(page, bob);
    await page.getByTestId('link-preview').locator('img').waitFor();
    await page.locator('[data-emoji-only="true"]').waitFor();
    await shot(page, name);
    if (viewport === PHONE) {
      // The card fits the narrow screen.
      const box = (await page.getByTestId('link-preview').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      await page.getByTestId('link-preview').scrollIntoViewIfNeeded();
      await shot(page, `${name}-preview`);
      await page.locator('[data-emoji-only="true"]').scrollIntoViewIfNeeded();
      await shot(page, `${name}-formatting`);
    }
    await context.close();
  });
  it.each([
    ['desktop-light', DESKTOP, 'light'],
    ['desktop-dark', DESKTOP, 'dark'],
    ['phone-light', PHONE, 'light'],
    ['phone-dark', PHONE, 'dark'],
  ] as const)('inserts emoji from the picker at the caret: %s', async (name, viewport, scheme) => {
    const { page, context } = await openPerson(browser, app, viewport, scheme);
    await logIn(page, alice);
    if (viewport === PHONE) await conversationItem(page, bob).click();
    else await openChatWith(page, bob);
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill(`Well done ${name}!`);
    await box.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(9, 9));

    await page.getByRole('button', { name: 'Emoji' }).click();
    const picker = page.getByTestId('emoji-picker');
    await picker.locator('input#search').fill('thumbs up');
    const thumbs = picker.getByRole('option', { name: /thumbs up/i }).first();
    await thumbs.waitFor();
    await shot(page, `emoji-picker-${name}`);
    const box2 = (await page.getByRole('dialog', { name: 'Choose an emoji' }).boundingBox())!;
    expect(box2.x).toBeGreaterThanOrEqual(0);
    expect(box2.x + box2.width).toBeLessThanOrEqual(viewport.width);
    await thumbs.click();
    await expect.poll(() => box.inputValue()).toContain('👍');
    // Still open for another; Escape closes it and gives the message box its focus back.
    await picker.locator('input#search').fill('party popper');
    await picker
      .getByRole('option', { name: /party popper/i })
      .first()
      .click();
    await expect.poll(() => box.inputValue()).toContain('🎉');
    await page.keyboard.press('Escape');
    expect(await picker.count()).toBe(0);
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await box.inputValue()).toMatch(new RegExp(`^Well done👍\\S*🎉 ${name}!$`, 'u'));

    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page
      .getByTestId('message-text')
      .filter({ hasText: `🎉 ${name}!` })
      .waitFor();
    await context.close();
  });
});
