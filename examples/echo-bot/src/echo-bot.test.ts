import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParleyClient } from '@parley/client';
import { loadConfig, startServer } from '@parley/server';
import { expect, it } from 'vitest';
import { startEchoBot } from './echo-bot.ts';

it('echoes what it receives, once, with receipts', { timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-bot-'));
  const server = await startServer(
    loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
  );
  const human = createParleyClient({ url: server.url });
  const botAccount = createParleyClient({ url: server.url });
  try {
    await botAccount.signup({
      username: 'echo_bot',
      email: 'bot@example.com',
      password: 'bot password 12345',
    });
    botAccount.close();
    const me = await human.signup({
      username: 'human',
      email: 'human@example.com',
      password: 'human password 12345',
    });
    const bot = await startEchoBot({
      url: server.url,
      login: 'echo_bot',
      password: 'bot password 12345',
      log: () => {},
    });
    const replies: string[] = [];
    const sub = human.trpc.chat.events.subscribe(
      {},
      {
        onData: ({ data }) =>
          data.type === 'message.new' &&
          data.message.senderId === bot.user.id &&
          replies.push(data.message.text),
      },
    );
    await human.trpc.chat.send.mutate({
      to: bot.user.id,
      text: 'ping',
      clientMessageId: 'bot-test-ping',
    });
    const deadline = Date.now() + 10_000;
    while (replies.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(replies).toEqual(['echo: ping']);
    const [conversation] = (await human.trpc.chat.conversations.query({})).items;
    expect(conversation).toMatchObject({
      peerReadSeq: 2,
      unreadCount: 1,
      lastMessage: { text: 'echo: ping' },
    });
    expect(me.userId).toBeTruthy();
    sub.unsubscribe();
    await bot.stop();
  } finally {
    human.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
