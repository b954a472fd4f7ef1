/**
 * The signed-in screen's first load, measured with Lighthouse (mobile, simulated slow 4G) in
 * Debian's Chromium: through a front that serves the build the way it asks to be served (see
 * static-front.ts), and straight from today's server. Prints the scores and the bytes; fails
 * if the cold load through the front is over 150 KB or Accessibility is under 100.
 *
 *   pnpm build && pnpm measure:load     (LIGHTHOUSE="npx -y lighthouse@12.2.3" by default)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiAs, person, signUpApi, startApp, WEB_DIST, type App, type Person } from './harness.ts';
import { startStaticFront } from './static-front.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIGHTHOUSE = (process.env.LIGHTHOUSE ?? 'npx -y lighthouse@12.2.3').split(' ');
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'];

let app: App;
let front: Awaited<ReturnType<typeof startStaticFront>>;
const alice = person('Alice');

beforeAll(async () => {
  app = await startApp();
  front = await startStaticFront(WEB_DIST, new URL(app.url));
  const bob = person('Bob');
  await signUpApi(app, alice);
  await signUpApi(app, bob);
  const a = await apiAs(app, alice);
  const b = await apiAs(app, bob);
  await b.client.chat.send.mutate({
    to: a.user.id,
    text: 'Lunch?',
    clientMessageId: 'load-1-xxxx',
  });
  await a.client.groups.create.mutate({ title: 'Climbers', memberIds: [b.user.id] });
});

afterAll(async () => {
  await front?.close();
  await app?.destroy();
});

/** A Chromium profile signed in at `base`, with nothing of the app in its cache. */
async function signedInProfile(base: string, who: Person): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-lh-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: FLAGS,
  });
  const login = await context.request.post(`${base}/trpc/auth.login`, {
    headers: { 'x-parley-csrf': '1' },
    data: { json: { login: who.username, password: who.password } },
  });
  const session = (await login.json()) as {
    result: { data: { json: { accessTokenExpiresAt: string } } };
  };
  const expiresAt = new Date(session.result.data.json.accessTokenExpiresAt).getTime();
  const page = await context.newPage();
  await page.goto(`${base}/healthz`);
  await page.evaluate(
    (at) => localStorage.setItem('parley.session', JSON.stringify({ expiresAt: at })),
    expiresAt,
  );
  await context.close();
  return dir;
}

interface Report {
  categories: Record<'performance' | 'accessibility', { score: number }>;
  audits: Record<string, { numericValue?: number; displayValue?: string; details?: unknown }>;
}

/** What the largest paint was of (Lighthouse's own description of the element). */
function lcpElement(report: Report): string {
  const details = report.audits['largest-contentful-paint-element']?.details as
    { items?: { items?: { node?: { snippet?: string } }[] }[] } | undefined;
  return details?.items?.[0]?.items?.[0]?.node?.snippet?.slice(0, 120) ?? '';
}

async function lighthouse(base: string) {
  const profile = await signedInProfile(base, alice);
  const out = path.join(profile, 'report.json');
  try {
    // Not execFileSync: the server runs in this process and must keep answering.
    await promisify(execFile)(
      LIGHTHOUSE[0]!,
      [
        ...LIGHTHOUSE.slice(1),
        base,
        `--chrome-path=${CHROMIUM}`,
        `--chrome-flags=${[...FLAGS, `--user-data-dir=${profile}`].join(' ')}`,
        '--disable-storage-reset',
        '--only-categories=performance,accessibility',
        '--output=json',
        `--output-path=${out}`,
        '--quiet',
      ],
      { cwd: tmpdir(), timeout: 300_000 },
    );
    const report = JSON.parse(await readFile(out, 'utf8')) as Report;
    const metric = (id: string) => report.audits[id]?.displayValue ?? '';
    const figures = {
      performance: Math.round(report.categories.performance.score * 100),
      accessibility: Math.round(report.categories.accessibility.score * 100),
      transferredKB: Math.round((report.audits['total-byte-weight']?.numericValue ?? 0) / 1024),
      fcp: metric('first-contentful-paint'),
      lcp: metric('largest-contentful-paint'),
      tbt: metric('total-blocking-time'),
      cls: metric('cumulative-layout-shift'),
      unusedJs: metric('unused-javascript'),
      mainThread: metric('mainthread-work-breakdown'),
      lcpElement: lcpElement(report),
    };
    return figures;
  } finally {
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

it('loads the signed-in screen fast and accessibly', async () => {
  const served = await lighthouse(front.url);
  console.log('through a front serving the build as it asks (br, immutable assets):', served);
  const today = await lighthouse(app.url);
  console.log('straight from the server as it is today:', today);
  expect(served.transferredKB).toBeLessThanOrEqual(150);
  expect(served.accessibility).toBe(100);
}, 600_000);
