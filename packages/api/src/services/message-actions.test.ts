import { describe, expect, it } from 'vitest';
import { spanOf } from './message-actions.ts';

describe('spanOf', () => {
  it('says an edit window as people say it', () => {
    expect(spanOf(48 * 3600_000)).toBe('48 hours');
    expect(spanOf(3600_000)).toBe('1 hour');
    expect(spanOf(15 * 60_000)).toBe('15 minutes');
    expect(spanOf(90 * 60_000)).toBe('90 minutes');
    expect(spanOf(0)).toBeNull();
    expect(spanOf(10_000)).toBe('less than a minute');
  });
});
