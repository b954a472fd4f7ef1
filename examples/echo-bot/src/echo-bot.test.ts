import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParleyClient, othersReached } from '@parley/client';
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
    expect(conversation).toMatchObject({ unreadCount: 1, lastMessage: { text: 'echo: ping' } });
    expect(othersReached(conversation!.receipts.read, me.userId)).toBe(2);

    // In a group, it answers in the group.
    const group = await human.trpc.groups.create.mutate({
      title: 'Bots',
      memberIds: [bot.user.id],
    });
    await human.trpc.chat.send.mutate({
      conversationId: group.id,
      text: 'hello group',
      clientMessageId: 'bot-test-group',
    });
    while (replies.length < 2 && Date.now() < deadline + 10_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(replies).toEqual(['echo: ping', 'echo: hello group']);
    const history = await human.trpc.chat.history.query({ conversationId: group.id });
    expect(history.items.map((m) => [m.kind, m.text])).toEqual([
      ['system', ''],
      ['text', 'hello group'],
      ['text', 'echo: hello group'],
    ]);
    sub.unsubscribe();
    await bot.stop();
  } finally {
    human.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
