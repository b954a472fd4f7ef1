/**
 * Behind a proxy that blocks WebSocket upgrades, the web app falls back to Server-Sent Events:
 * it goes online, receives messages live and sends, over HTTP alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeBlockingProxy } from './blocking-proxy.ts';
import {
  apiAs,
  bubbles,
  conversationItem,
  openChatWith,
  openPerson,
  pageErrors,
  person,
  send,
  signUp,
  signUpApi,
  startStage,
  stopStage,
  until,
  type App,
  type Browser,
} from './harness.ts';

describe('behind a proxy that blocks WebSockets', () => {
  let app: App;
  let browser: Browser;
  let proxy: Awaited<ReturnType<typeof upgradeBlockingProxy>>;

  beforeAll(async () => {
    ({ app, browser } = await startStage('fallback'));
    proxy = await upgradeBlockingProxy(app.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await stopStage(app, browser);
  });

  it('goes online over Server-Sent Events, receives live and sends', async () => {
    const alice = person('Alice');
    const bob = person('Bob');
    await signUpApi(app, bob);
    const { page } = await openPerson(browser, { ...app, url: proxy.url });
    // signUp waits for the connection to be online: over SSE, since no socket can open.
    await signUp(page, alice);
    expect(proxy.refused).toBeGreaterThan(0);

    const { client: bobApi, user: bobUser } = await apiAs(app, bob);
    const [found] = await bobApi.users.search.query({ q: alice.username });
    expect(found?.id).not.toBe(bobUser.id);
    await bobApi.chat.send.mutate({
      to: found!.id,
      text: 'through the proxy',
      clientMessageId: `fallback-${Date.now()}`,
    });
    await until(
      async () => (await conversationItem(page, bob).count()) > 0,
      'the message to arrive live',
    );

    await openChatWith(page, bob);
    await bubbles(page, 'through the proxy').waitFor();
    await send(page, 'answered over http');
    await until(async () => {
      const [conversation] = (await bobApi.chat.conversations.query({})).items;
      return conversation?.lastMessage?.text === 'answered over http';
    }, 'the answer to reach Bob');
    expect(pageErrors).toEqual([]);
  });
});
