/**
 * Text that impersonates or reorders what is shown around it: names refuse bidirectional controls,
 * invisible and control characters; messages and bios lose their bidirectional controls and
 * refuse control characters but line breaks and tabs. (The rules: packages/api/src/text.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, signUp, startTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ env: { LOG_LEVEL: 'error' } });
});
afterAll(() => s.destroy());

describe('names', () => {
  it('refuses a display name that would show as another ("\\u202Eecila" as "alice")', async () => {
    const mallory = await signUp(s, 'mallory');
    for (const displayName of ['\u202Eecila', 'ali\u200Bce', 'alice\u200F', 'ali\u0000ce']) {
      const error = await rejection(mallory.http.users.updateProfile.mutate({ displayName }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.fieldErrors).toEqual({
        displayName: [
          'Display name may only contain visible characters on one line: no control, invisible or text-direction characters.',
        ],
      });
    }
    const signup = await rejection(
      mallory.http.auth.signup.mutate({
        username: 'mallory_two',
        email: 'mallory_two@example.com',
        password: 'a long enough password',
        displayName: '\u202Eecila',
      }),
    );
    expect(signup.data?.code).toBe('BAD_REQUEST');
    const me = await mallory.http.auth.me.query();
    expect(me.displayName).toBe(mallory.username);
  });
});

describe('messages and bios', () => {
  it('stores them without bidirectional controls and refuses control characters', async () => {
    const alice = await signUp(s, 'text_alice');
    const bob = await signUp(s, 'text_bob');
    const sent = await alice.http.chat.send.mutate({
      to: bob.user.id,
      text: 'invoice\u202Efdp.exe\u202C\r\nsee\tattached',
      clientMessageId: 'text-bidi-1',
    });
    expect(sent.text).toBe('invoicefdp.exe\nsee\tattached');
    const page = await bob.http.chat.history.query({ conversationId: sent.conversationId });
    expect(page.items[0]?.text).toBe('invoicefdp.exe\nsee\tattached');

    const bell = await rejection(
      alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'ding\u0007',
        clientMessageId: 'text-bell-1',
      }),
    );
    expect(bell.data?.code).toBe('BAD_REQUEST');
    expect(bell.message).toBe(
      'text: A message may not contain control characters (line breaks and tabs are fine).',
    );

    const profile = await alice.http.users.updateProfile.mutate({ bio: '\u2067about\u2069 me' });
    expect(profile.bio).toBe('about me');
  });
});
