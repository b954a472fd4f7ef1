import { describe, expect, it } from 'vitest';
import { redactUrl } from './app.ts';

describe('redactUrl', () => {
  it("censors an event stream's connectionParams (a token), and nothing else", () => {
    const params = encodeURIComponent(JSON.stringify({ token: 'secret.jwt.value' }));
    expect(redactUrl(`/trpc/chat.events?input=%7B%7D&connectionParams=${params}`)).toBe(
      '/trpc/chat.events?input=%7B%7D&connectionParams=[redacted]',
    );
    expect(redactUrl(`/trpc/chat.events?connectionParams=${params}&input=%7B%7D`)).toBe(
      '/trpc/chat.events?connectionParams=[redacted]&input=%7B%7D',
    );
    expect(redactUrl('/trpc?connectionParams=1')).toBe('/trpc?connectionParams=1');
    expect(redactUrl('/trpc/auth.me?input=%7B%7D')).toBe('/trpc/auth.me?input=%7B%7D');
  });
});
