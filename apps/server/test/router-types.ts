// Compiled by `tsc` (pnpm typecheck), never run: if the router's input types were loose,
// an @ts-expect-error below would be unused and the typecheck would fail.
import { httpClient } from './harness.ts';

export async function routerTypes() {
  const client = httpClient({ url: 'http://127.0.0.1:1' });
  await client.auth.signup.mutate({
    // @ts-expect-error username must be a string
    username: 42,
    email: 'a@b.c',
    password: 'a fine long password',
  });
  // @ts-expect-error password is required
  await client.auth.login.mutate({ login: 'alice' });
  // @ts-expect-error no such procedure
  await client.users.delete.mutate({ id: 'x' });
  // @ts-expect-error limit is a number
  await client.users.list.query({ limit: '10' });
  // @ts-expect-error `to` is required
  await client.chat.send.mutate({ text: 'hi', clientMessageId: 'abcdefgh' });
  // @ts-expect-error isTyping is a boolean
  await client.chat.typing.mutate({ to: 'x', isTyping: 'yes' });
  const me = await client.auth.me.query();
  const created: Date = me.createdAt;
  // @ts-expect-error the password hash never reaches a client
  void me.passwordHash;
  return created;
}
