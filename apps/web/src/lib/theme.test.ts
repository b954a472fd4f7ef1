import { describe, expect, it } from 'vitest';
import { readChoice, resolveTheme } from './theme.ts';

describe('theme', () => {
  it('remembers a valid choice, defaulting to the system', () => {
    expect(readChoice({ getItem: () => 'dark' })).toBe('dark');
    expect(readChoice({ getItem: () => 'purple' })).toBe('system');
    expect(readChoice(null)).toBe('system');
  });

  it('follows the device only for "system"', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
