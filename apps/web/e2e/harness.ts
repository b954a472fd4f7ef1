import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppRouter } from '@parley/api';
import { MAX_BATCH_SIZE } from '@parley/api/protocol';
import { loadConfig, startServer, type RunningServer, type ServerOverrides } from '@parley/server';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import superjson from 'superjson';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = path.resolve(here, '../dist');
export const ARTIFACTS = path.resolve(here, '../test-artifacts');

const GENEROUS_LIMITS = {
  signupPerIpPerHour: 10_000,
  loginPerIpPerMinute: 10_000,
  loginPerAccountPer15Minutes: 10_000,
  sendPerUserPerSecond: 10_000,
  typingPerUserPerSecond: 10_000,
};

export interface App {
  url: string;
  port: number;
  dataDir: string;
  server: RunningServer;
  /** Stops the server (sockets get 1012, "restarting"), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data: a real outage and recovery. */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/** The real server, in-process, serving the built web app from dist/ (`env`: more settings). */
export async function startApp(
  overrides: ServerOverrides = {},
  env: Record<string, string> = {},
): Promise<App> {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`No web build in ${WEB_DIST}: run \`pnpm build\` in apps/web first.`);
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-web-e2e-'));
  const boot = (port: number) =>
    startServer(
      loadConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        DATA_DIR: dataDir,
        WEB_DIST,
        LOG_LEVEL: 'silent',
        ...env,
      }),
      { rateLimits: GENEROUS_LIMITS, ...overrides },
    );
  let server = await boot(0);
  const port = Number(new URL(server.url).port);
  let running = true;
  const app: App = {
    url: server.url,
    port,
    dataDir,
    get server() {
      return server;
    },
    async stop() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async restart() {
      await app.stop();
      server = await boot(port);
      running = true;
    },
    async destroy() {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A microphone that needs no permission prompt and plays a tone (voice notes).
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}

export type Viewport = { width: number; height: number };
export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const PHONE: Viewport = { width: 375, height: 740 };

/** A browser context (its own cookies and storage: one person) and its page. */
export async function openPerson(
  browser: Browser,
  app: App,
  viewport: Viewport = DESKTOP,
  colorScheme: 'light' | 'dark' = 'light',
) {
  const phone = viewport.width < 500;
  const context = await browser.newContext({
    viewport,
    colorScheme,
    baseURL: app.url,
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  trackErrors(page);
  return { context, page };
}

/** Two people (two browser contexts) on the same app, with the same viewport and theme. */
export async function openPair(
  browser: Browser,
  app: App,
  viewport: Viewport = DESKTOP,
  colorScheme: 'light' | 'dark' = 'light',
) {
  const first = await openPerson(browser, app, viewport, colorScheme);
  const second = await openPerson(browser, app, viewport, colorScheme);
  return [first, second] as const;
}

/** A suite's stage: its artifacts folder (emptied), the real server and a browser. */
export async function startStage(
  artifacts: string,
  overrides: ServerOverrides = {},
  env: Record<string, string> = {},
): Promise<{ app: App; browser: Browser }> {
  await useArtifacts(artifacts);
  const app = await startApp(overrides, env);
  try {
    return { app, browser: await launchBrowser() };
  } catch (error) {
    await app.destroy();
    throw error;
  }
}

/** Tears down what startStage made (either may be missing if it failed). */
export async function stopStage(app: App | undefined, browser: Browser | undefined) {
  await browser?.close();
  await app?.destroy();
}

/** Errors thrown in the page fail the test at the end (console noise from expected 401s does not). */
export const pageErrors: string[] = [];
export function trackErrors(page: Page) {
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
}

let shotDir = ARTIFACTS;
let shotCount = 0;
export async function useArtifacts(name: string) {
  shotDir = path.join(ARTIFACTS, name);
  shotCount = 0;
  await rm(shotDir, { recursive: true, force: true });
  await mkdir(shotDir, { recursive: true });
}

/** Saves a screenshot of the step under test-artifacts/<suite>/NN-name.png. */
export async function shot(page: Page, name: string) {
  shotCount += 1;
  const file = path.join(shotDir, `${String(shotCount).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls until `probe` returns a truthy value. */
export async function until<T>(
  probe: () => Promise<T> | T,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const textOf = (locator: Locator) => locator.innerText({ timeout: 2000 });

export interface Person {
  username: string;
  displayName: string;
  password: string;
}

let counter = 0;
export function person(name: string): Person {
  counter += 1;
  const username = `${name.toLowerCase()}${counter}_${Math.random().toString(36).slice(2, 7)}`;
  return { username, displayName: name, password: `correct horse ${username}` };
}

/** Signs up through the UI and waits for the live connection. */
export async function signUp(page: Page, who: Person) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Sign up' }).click();
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Email').fill(`${who.username}@example.com`);
  await page.getByLabel('Display name').fill(who.displayName);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitOnline(page);
}

/** Signs in through the UI and waits for the live connection. */
export async function logIn(page: Page, who: Person) {
  if (!page.url().startsWith('http')) await page.goto('/');
  await page.getByRole('tab', { name: 'Log in' }).click();
  await page.getByLabel('Username or email').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await waitOnline(page);
}

/** Signs someone up over the API (for a stage set without clicking through it). */
export async function signUpApi(app: App, who: Person) {
  const anon = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${app.url}/trpc`, transformer: superjson })],
  });
  await anon.auth.signup.mutate({
    username: who.username,
    email: `${who.username}@example.com`,
    password: who.password,
    displayName: who.displayName,
  });
}

/** Signs two people up, each in their own page, one after the other. */
export async function signUpBoth(a: Page, first: Person, b: Page, second: Person) {
  await signUp(a, first);
  await signUp(b, second);
}

export async function waitOnline(page: Page, timeoutMs = 20_000) {
  await until(
    async () =>
      (await page.getByTestId('connection-state').getAttribute('data-state', { timeout: 1000 })) ===
      'online',
    'the connection to be online',
    timeoutMs,
  );
}

/** Finds someone with the sidebar search and opens the conversation with them. */
export async function openChatWith(page: Page, who: Person) {
  await page.getByLabel('Search people and groups').fill(who.username);
  await page.locator(`[data-testid="search-result"][data-username="${who.username}"]`).click();
  await page.getByTestId('peer-name').filter({ hasText: who.displayName }).waitFor();
}

/** Writes and sends a message: Enter on a keyboard, the send button on a touch screen. */
export async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  const touch = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
  if (touch) await page.getByRole('button', { name: 'Send', exact: true }).click();
  else await box.press('Enter');
}

/** My message bubbles with this exact text. */
export const bubbles = (page: Page, text: string) =>
  page
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });

export const conversationItem = (page: Page, who: Person) =>
  page.locator(`[data-testid="conversation-item"][data-username="${who.username}"]`);

/** A group in the conversation list, by its title. */
export const groupItem = (page: Page, title: string) =>
  page.locator(`[data-testid="conversation-item"][data-title="${title}"]`);

/** The stock tRPC client over HTTP, as a TypeScript developer would use it (bearer token). */
export async function apiAs(app: App, who: Person) {
  const anon = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${app.url}/trpc`, transformer: superjson })],
  });
  const session = await anon.auth.login.mutate({ login: who.username, password: who.password });
  const token = session.accessToken;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${app.url}/trpc`,
        transformer: superjson,
        maxItems: MAX_BATCH_SIZE,
        headers: () => ({ authorization: `Bearer ${token}` }),
      }),
    ],
  });
  return { client, user: session.user };
}

export type { Browser, BrowserContext, Page };
