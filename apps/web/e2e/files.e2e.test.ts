/**
 * Files and voice notes, two people, against the real server: A attaches a PDF (preview with
 * progress) and sends it; B sees the download card and downloads it under its name. A records a
 * voice note with Chromium's fake microphone; B plays it. Desktop light and dark, then 375 px.
 */
import { readFile } from 'node:fs/promises';
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

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function attachPdf(page: Page, name: string) {
  await page.getByTestId('attach-input').setInputFiles({
    name,
    mimeType: 'application/pdf',
    buffer: PDF,
  });
  await page.locator('[data-testid="upload-preview"][data-status="done"]').waitFor();
}

async function sendAttached(page: Page) {
  const touch = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
  if (touch) await page.getByRole('button', { name: 'Send', exact: true }).click();
  else await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
}

/** Records about `ms` of the fake microphone's tone and sends it. */
async function recordVoice(page: Page, ms: number) {
  await page.getByTestId('voice-record').click();
  await page.locator('[data-testid="voice-recorder"][data-phase="recording"]').waitFor();
  await page.waitForTimeout(ms);
  await page.getByTestId('voice-send').click();
  await page.getByTestId('voice-recorder').waitFor({ state: 'detached', timeout: 15_000 });
}

/** m:ss → ms. */
const msOf = (time: string) => {
  const [m, s] = time.split(':').map(Number);
  return (m! * 60 + s!) * 1000;
};

describe('Files and voice notes in Chromium (desktop)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const alice = person('Alice');
  const bob = person('Bob');

  beforeAll(async () => {
    ({ app, browser } = await startStage('files'));
    [{ page: a }, { page: b }] = await openPair(browser, app, DESKTOP);
    await signUpBoth(a, alice, b, bob);
    await openChatWith(a, bob);
    await openChatWith(b, alice);
  });

  afterAll(() => stopStage(app, browser));

  it('A sends a PDF; B sees the card and downloads it under its name', async () => {
    await attachPdf(a, 'Quarterly report.pdf');
    expect(await textOf(a.getByTestId('upload-file'))).toContain('Quarterly report.pdf');
    await shot(a, 'alice-pdf-attached');
    await sendAttached(a);

    const card = b.getByTestId('file-card');
    await card.waitFor();
    expect(await textOf(card.getByTestId('file-name'))).toBe('Quarterly report.pdf');
    expect(await textOf(card)).toContain(`PDF · ${PDF.length} bytes`);
    await until(
      async () =>
        (await textOf(conversationItem(b, alice).getByTestId('conversation-preview'))) ===
        '📎 Quarterly report.pdf',
      'the file preview in B’s sidebar',
    );
    await shot(b, 'bob-pdf-card');

    const [download] = await Promise.all([b.waitForEvent('download'), card.click()]);
    expect(download.suggestedFilename()).toBe('Quarterly report.pdf');
    const saved = await download.path();
    expect((await readFile(saved)).equals(PDF)).toBe(true);
    // The page stayed where it was: the file was never opened in it.
    expect(b.url()).not.toContain('/api/files/');
  });

  it('A records a voice note (Esc cancels one first); B plays it, its length shown', async () => {
    const before = await a.getByTestId('message').count();
    await a.getByTestId('voice-record').click();
    await a.locator('[data-testid="voice-recorder"][data-phase="recording"]').waitFor();
    await a.waitForTimeout(600);
    await shot(a, 'alice-recording');
    await a.keyboard.press('Escape');
    await a.getByTestId('voice-recorder').waitFor({ state: 'detached' });
    await a.waitForTimeout(500);
    expect(await a.getByTestId('message').count()).toBe(before);

    await recordVoice(a, 2300);
    const player = b.getByTestId('voice-player');
    await player.waitFor();
    const length = msOf(await textOf(player.getByTestId('voice-time')));
    expect(length).toBeGreaterThanOrEqual(2000);
    expect(length).toBeLessThanOrEqual(4000);
    await until(
      async () =>
        /^🎤 Voice message 0:0[234]$/.test(
          await textOf(conversationItem(b, alice).getByTestId('conversation-preview')),
        ),
      'the voice preview in B’s sidebar',
    );
    await shot(b, 'bob-voice-note');

    await player.getByTestId('voice-play').click();
    await until(
      async () => (await player.getAttribute('data-playing')) === 'true',
      'the voice note to play',
    );
    await until(
      async () => msOf(await textOf(player.getByTestId('voice-time'))) >= 1000,
      'the playback to move on',
    );
    await shot(b, 'bob-voice-playing');
    await until(
      async () => (await player.getAttribute('data-playing')) === 'false',
      'the voice note to end',
      10_000,
    );

    await a.emulateMedia({ colorScheme: 'dark' });
    await b.emulateMedia({ colorScheme: 'dark' });
    await b.waitForTimeout(300);
    await shot(b, 'bob-dark');
    await shot(a, 'alice-dark');
    expect(pageErrors).toEqual([]);
  });
});

describe('Files and voice notes at 375 px (dark, then light)', () => {
  let app: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const carol = person('Carol');
  const dave = person('Dave');

  beforeAll(async () => {
    ({ app, browser } = await startStage('files-phone'));
    [{ page: a }, { page: b }] = await openPair(browser, app, PHONE, 'dark');
    await signUpBoth(a, carol, b, dave);
    await openChatWith(a, dave);
    await openChatWith(b, carol);
  });

  afterAll(() => stopStage(app, browser));

  it('sends a file and a voice note; both fit the phone', async () => {
    await attachPdf(a, 'A rather long file name for a small screen, version 2.pdf');
    await shot(a, 'carol-attached');
    await sendAttached(a);
    await recordVoice(a, 1500);
    await b.getByTestId('voice-player').waitFor();
    const card = b.getByTestId('file-card');
    await card.waitFor();
    const box = await card.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    await shot(b, 'dave-dark');
    await shot(a, 'carol-dark');
    await b.emulateMedia({ colorScheme: 'light' });
    await a.emulateMedia({ colorScheme: 'light' });
    await b.waitForTimeout(300);
    await shot(b, 'dave-light');
    await shot(a, 'carol-light');
    expect(pageErrors).toEqual([]);
  });
});
