import { createParleyClient, type ChatEvent } from '@parley/client';

export interface EchoBotOptions {
  url: string;
  login: string;
  password: string;
  log?: (line: string) => void;
}

/**
 * Answers every message it receives, in the conversation it came in (direct or group), with
 * "echo: <text>". It acknowledges delivery, marks the message read, and replies with a
 * clientMessageId derived from the original message, so a replayed event never produces a
 * second reply.
 */
export async function startEchoBot(opts: EchoBotOptions) {
  const log = opts.log ?? console.log;
  const parley = createParleyClient({
    url: opts.url,
    credentials: { login: opts.login, password: opts.password },
  });
  const me = await parley.trpc.auth.me.query();
  log(`signed in as @${me.username}`);

  async function handle(event: ChatEvent) {
    if (event.type !== 'message.new' || event.message.senderId === me.id) return;
    const { message } = event;
    if (message.kind !== 'text') return;
    const upTo = { conversationId: message.conversationId, upTo: message.id };
    await parley.trpc.chat.ackDelivered.mutate(upTo);
    await parley.trpc.chat.markRead.mutate(upTo);
    await parley.trpc.chat.send.mutate({
      conversationId: message.conversationId,
      text: `echo: ${message.text}`.slice(0, 4000),
      clientMessageId: `echo-${message.id}`,
    });
  }

  let queue = Promise.resolve();
  // Resolves once the stream is live: a message sent after startEchoBot returns is answered.
  const subscription = await parley.subscribe(
    ({ data }) => {
      queue = queue
        .then(() => handle(data))
        .catch((error: unknown) => log(`reply failed: ${String(error)}`));
    },
    { onError: (error) => log(`event stream error: ${error.message}`) },
  );

  return {
    user: me,
    async stop() {
      subscription.unsubscribe();
      await queue;
      parley.close();
    },
  };
}
