/**
 * Images and avatars, two people, against the real server: A attaches images (file picker,
 * paste, drop), watches them upload, sends; B sees them live at their reserved size and opens
 * the lightbox; A sets a profile picture and B sees it in the sidebar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationItem,
  DESKTOP,
  openChatWith,
  openPair,
  pageErrors,
  person,
  PHONE,
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
import { png } from './images.ts';

/** Puts files on the page's clipboard event or drop, as a browser would. */
async function pasteOrDrop(
  page: Page,
  how: 'paste' | 'drop',
  target: string,
  file: { name: string; bytes: Buffer },
) {
  await page.evaluate(
    ({ how, target, name, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'image/png' }));
      const el = document.querySelector(target)!;
      if (how === 'paste') {
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
      } else {
        el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true }));
        el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
      }
    },
    { how, target, name: file.name, base64: file.bytes.toString('base64') },
  );
}

describe('Images and avatars in Chromium', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const alice = person('Alice');
  const bob = person('Bob');

  beforeAll(async () => {
    ({ app, browser } = await startStage('attachments'));
    [{ page: a }, { page: b }] = await openPair(browser, app);
    await signUpBoth(a, alice, b, bob);
    await openChatWith(a, bob);
    await openChatWith(b, alice);
  });

  afterAll(() => stopStage(app, browser));

  it('A attaches an image, sees its preview and progress, and sends it with a caption', async () => {
    // A slow uplink, so that the progress bar can be seen moving.
    const cdp = await a.context().newCDPSession(a);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 150 * 1024,
    });
    await a.getByTestId('attach-input').setInputFiles({
      name: 'sunset.png',
      mimeType: 'image/png',
      buffer: png(800, 500, { noise: 60 }),
    });
    const preview = a.getByTestId('upload-preview');
    await preview.waitFor();
    let midway = false;
    const progress = a.getByTestId('upload-progress');
    try {
      await until(async () => {
        const v = Number(await progress.getAttribute('aria-valuenow', { timeout: 500 }));
        return v > 5 && v < 95;
      }, 'the upload halfway');
      midway = true;
      await shot(a, 'upload-in-progress');
    } catch {
      // A fast machine may finish before we look: the end state below is what matters.
    }
    // Sending while it uploads: the message waits in the composer, then goes by itself.
    const box = a.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Look at this sunset');
    await box.press('Enter');
    if (midway) {
      await a.getByTestId('waiting-uploads').waitFor();
      await shot(a, 'waiting-for-upload');
    }
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const mine = a.getByTestId('message').filter({ hasText: 'Look at this sunset' });
    await mine.getByTestId('message-image').waitFor({ timeout: 30_000 });
    await until(async () => (await a.getByTestId('upload-preview').count()) === 0, 'previews gone');
    await until(
      async () => (await mine.getAttribute('data-status')) !== 'pending',
      'the image message acknowledged',
    );
    expect(await textOf(a.getByRole('textbox', { name: 'Message', exact: true }))).toBe('');
    await shot(a, 'alice-sent-image');
  });

  it('B sees it live at its reserved size, lazily loaded, and opens the lightbox', async () => {
    const theirs = b.getByTestId('message').filter({ hasText: 'Look at this sunset' });
    const button = theirs.getByTestId('message-image');
    await button.waitFor();
    // 800 × 500 fits 320 × 320 as 320 × 200: the box is that size whatever the image's state.
    const size = await button.boundingBox();
    expect(Math.round(size!.width)).toBe(320);
    expect(Math.round(size!.height)).toBe(200);
    const img = button.locator('img');
    expect(await img.getAttribute('loading')).toBe('lazy');
    expect(await img.getAttribute('alt')).toBe(`Photo from ${alice.displayName}`);
    await until(
      () => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0),
      'the image loaded',
    );
    // Loading the image did not move anything.
    const after = await button.boundingBox();
    expect(after).toEqual(size);
    await shot(b, 'bob-sees-image');

    await button.click();
    const lightbox = b.getByTestId('lightbox');
    await lightbox.waitFor();
    const big = b.getByTestId('lightbox-image');
    expect(await big.getAttribute('src')).toMatch(/^\/api\/files\/[0-9a-f-]+\/display$/);
    await until(
      () => big.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 800),
      'the display variant loaded',
    );
    // The close button has the focus: the keyboard can act at once.
    expect(await b.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Close image',
    );
    await shot(b, 'bob-lightbox');
    await b.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    // Focus went back to the image, and Enter opens it again; a click closes it.
    expect(await b.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'message-image',
    );
    await b.keyboard.press('Enter');
    await lightbox.waitFor();
    await big.click();
    await lightbox.waitFor({ state: 'detached' });

    // On a phone the image shrinks with the bubble, keeping its ratio.
    await b.setViewportSize(PHONE);
    await until(async () => {
      const small = await button.boundingBox();
      return small && small.width < 320 && small.width <= PHONE.width * 0.85;
    }, 'the image to fit the phone');
    const small = (await button.boundingBox())!;
    expect(small.height / small.width).toBeCloseTo(200 / 320, 1);
    await shot(b, 'bob-phone');
    await b.setViewportSize(DESKTOP);
  });

  it('paste and drop attach images too; an image-only message previews as 📷 in the sidebar', async () => {
    await pasteOrDrop(a, 'paste', 'textarea[aria-label="Message"]', {
      name: 'pasted.png',
      bytes: png(300, 600, { hue: 1 }),
    });
    // A drag of files over the conversation shows where to drop them.
    await a.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'x.png', { type: 'image/png' }));
      document
        .querySelector('section[aria-label^="Conversation with"]')!
        .dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true }));
    });
    await a.getByTestId('drop-zone').waitFor();
    await shot(a, 'drop-zone');
    await pasteOrDrop(a, 'drop', 'section[aria-label^="Conversation with"]', {
      name: 'dropped.png',
      bytes: png(640, 480),
    });
    await until(
      async () =>
        (await a.locator('[data-testid="upload-preview"][data-status="done"]').count()) === 2,
      'two uploads done',
    );
    await shot(a, 'two-previews');
    await a.getByRole('button', { name: 'Send', exact: true }).click();

    const theirs = b
      .getByTestId('message')
      .filter({ has: b.getByTestId('message-images') })
      .last();
    await until(
      async () => (await theirs.getByTestId('message-image').count()) === 2,
      'two images',
    );
    // Two images share a grid of squares.
    const cell = await theirs.getByTestId('message-image').first().boundingBox();
    expect(Math.round(cell!.width)).toBe(158);
    expect(Math.round(cell!.height)).toBe(158);
    expect(await theirs.getByTestId('message-text').count()).toBe(0);

    // One image, no text: the sidebar says so.
    await a.getByTestId('attach-input').setInputFiles({
      name: 'only.png',
      mimeType: 'image/png',
      buffer: png(400, 400, { hue: 1 }),
    });
    await a.locator('[data-testid="upload-preview"][data-status="done"]').waitFor();
    expect(await a.getByTestId('drop-zone').count()).toBe(0);
    await a.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await until(
      async () =>
        (await textOf(conversationItem(b, alice).getByTestId('conversation-preview'))) ===
        '📷 Photo',
      'the photo preview in B’s sidebar',
    );
    await until(
      async () =>
        (await textOf(conversationItem(a, bob).getByTestId('conversation-preview'))) ===
        'You: 📷 Photo',
      'the photo preview in A’s sidebar',
    );
    await b.waitForTimeout(300);
    await shot(b, 'bob-photo-preview');
  });

  it('a file that is not an image is refused with the server’s message, and can be removed', async () => {
    await a.getByTestId('attach-input').setInputFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('These are my notes, not a picture.\n'.repeat(20)),
    });
    const failed = a.locator('[data-testid="upload-preview"][data-status="failed"]');
    await failed.waitFor();
    const toast = a.getByTestId('toast').filter({ hasText: 'notes.png' });
    await toast.waitFor();
    expect(await textOf(toast)).toMatch(/JPEG|PNG|image/i);
    expect(await a.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await shot(a, 'upload-refused');
    await a.getByRole('button', { name: 'Remove notes.png' }).click();
    expect(await a.getByTestId('upload-preview').count()).toBe(0);
  });

  it('A sets a profile picture (previewed before saving); B sees it live in the sidebar', async () => {
    await a.getByRole('link', { name: /your profile/ }).click();
    await a.getByTestId('picture-input').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: png(256, 256, { hue: 1, noise: 10 }),
    });
    const preview = a.getByTestId('picture-preview').getByTestId('avatar-image');
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    await a.getByText('Save to use this picture.').waitFor();
    await shot(a, 'avatar-preview');
    await a.getByRole('button', { name: 'Save' }).click();
    await a.getByTestId('toast').filter({ hasText: 'Profile saved.' }).waitFor();
    const header = a.getByRole('link', { name: /your profile/ }).getByTestId('avatar-image');
    await header.waitFor();
    expect(await header.getAttribute('src')).toMatch(/^\/api\/files\/[0-9a-f-]+\/thumb$/);
    await shot(a, 'avatar-saved');

    // B sees it without a reload: profile changes arrive as events.
    const avatar = conversationItem(b, alice).getByTestId('avatar-image');
    await avatar.waitFor();
    expect(await avatar.getAttribute('src')).toBe(await header.getAttribute('src'));
    await until(
      () => avatar.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0),
      'the avatar loaded for B',
    );
    // And in the conversation header.
    await b
      .locator('section[aria-label^="Conversation with"] header')
      .getByTestId('avatar-image')
      .waitFor();
    await shot(b, 'bob-sees-avatar');
  });

  it('threw no errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
