// A strict, plain-Node script against the packed @parley/client: two people, one message, typed errors.
import {
  createParleyClient,
  isParleyError,
  type ChatEventItem,
  type RouterInputs,
  type RouterOutputs,
} from '@parley/client';

const url = process.env['PARLEY_URL'];
if (!url) throw new Error('Set PARLEY_URL');
const suffix = Date.now().toString(36);

const alice = createParleyClient({ url });
const bob = createParleyClient({ url });
const carol = createParleyClient({ url, transport: 'sse' });
const password = 'correct horse battery staple';
await alice.signup({ username: `alice_${suffix}`, email: `alice_${suffix}@example.com`, password });
const b = await bob.signup({
  username: `bob_${suffix}`,
  email: `bob_${suffix}@example.com`,
  password,
});
const c = await carol.signup({
  username: `carol_${suffix}`,
  email: `carol_${suffix}@example.com`,
  password,
});

const received: string[] = [];
const onEvent = ({ data }: ChatEventItem) => {
  if (data.type === 'message.new') received.push(`${data.message.text}`);
};
// Resolves once the stream is live: the message sent next cannot be missed.
const bobEvents = await bob.subscribe(onEvent);
const carolEvents = await carol.subscribe(onEvent);

const toBob: RouterInputs['chat']['send'] = {
  to: b.userId,
  text: 'hello from a packed client',
  clientMessageId: `packed-${suffix}`,
};
const sent: RouterOutputs['chat']['send'] = await alice.trpc.chat.send.mutate(toBob);
await alice.trpc.chat.send.mutate({
  to: c.userId,
  text: 'hello over sse',
  clientMessageId: `packed-sse-${suffix}`,
});

const deadline = Date.now() + 10_000;
while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

const error: unknown = await alice.trpc.chat.send
  .mutate({ to: b.userId, text: 'x', clientMessageId: 'short' })
  .catch((e: unknown) => e);
if (!isParleyError(error, 'BAD_REQUEST')) throw new Error('expected a typed BAD_REQUEST');

console.log(
  JSON.stringify({
    received: received.sort(),
    createdAtIsDate: sent.createdAt instanceof Date,
    errorCode: error.data?.code,
    fieldErrors: error.data?.fieldErrors,
    carolTransport: carol.transport,
  }),
);
bobEvents.unsubscribe();
carolEvents.unsubscribe();
alice.close();
bob.close();
carol.close();
