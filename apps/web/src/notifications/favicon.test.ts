import { describe, expect, it } from 'vitest';
import { badgeLabel, paintBadge } from './favicon.ts';

describe('favicon badge', () => {
  it('says the count, 99+ beyond, nothing at zero', () => {
    expect(badgeLabel(0)).toBeNull();
    expect(badgeLabel(-1)).toBeNull();
    expect(badgeLabel(7)).toBe('7');
    expect(badgeLabel(99)).toBe('99');
    expect(badgeLabel(100)).toBe('99+');
  });

  it('paints a red disc with the label in the top right corner', () => {
    const calls: string[] = [];
    const ctx = new Proxy(
      {},
      {
        get:
          (_t, key: string) =>
          (...args: unknown[]) =>
            calls.push(`${key}(${args.join(',')})`),
        set: (_t, key: string, value: unknown) => (calls.push(`${key}=${String(value)}`), true),
      },
    ) as unknown as CanvasRenderingContext2D;
    paintBadge(ctx, '5');
    expect(calls).toContain('fillStyle=#e11d48');
    expect(calls).toContain('arc(47,17,17,0,6.283185307179586)');
    expect(calls.at(-1)).toBe('fillText(5,47,18)');
  });
});
