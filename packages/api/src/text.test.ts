import { describe, expect, it } from 'vitest';
import { bio, displayName, messageText } from './schemas.ts';

const refusal = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? null : result.error!.issues.map((i) => i.message).join('; ');

describe('names and titles', () => {
  it.each([
    ['a right-to-left override', '\u202Eecila'],
    ['a left-to-right override', 'ali\u202Dce'],
    ['an isolate', '\u2067alice\u2069'],
    ['a right-to-left mark', 'alice\u200F'],
    ['a zero-width space', 'ali\u200Bce'],
    ['a word joiner', 'ali\u2060ce'],
    ['a soft hyphen', 'ali\u00ADce'],
    ['a Hangul filler', '\u3164'],
    ['a byte order mark inside', 'ali\uFEFFce'],
    ['a line break', 'alice\nadmin'],
    ['a tab', 'alice\tadmin'],
    ['a NUL', 'alice\u0000'],
    ['a C1 control', 'alice\u0085'],
    ['a line separator', 'alice\u2028admin'],
  ])('refuses %s in a display name', (_what, name) => {
    expect(refusal(displayName.safeParse(name))).toBe(
      'Display name may only contain visible characters on one line: no control, invisible or text-direction characters.',
    );
  });

  it.each([
    ['plain', 'Alice Martin'],
    ['right-to-left writing', 'אליס'],
    ['an emoji sequence with zero-width joiners', 'Family 👨‍👩‍👧'],
    ['Persian with a zero-width non-joiner', 'می‌خواهم'],
    ['a flag', 'Alice 🇫🇷'],
  ])('accepts %s', (_what, name) => {
    expect(displayName.parse(name)).toBe(name);
  });
});

describe('messages and bios', () => {
  it('removes bidirectional embeddings, overrides and isolates, and keeps the rest', () => {
    expect(messageText.parse('see \u202Egnp.exe\u202C now')).toBe('see gnp.exe now');
    expect(messageText.parse('\u2066isolated\u2069 and \u202Aembedded\u202C')).toBe(
      'isolated and embedded',
    );
    expect(bio.parse('\u202Eevil')).toBe('evil');
  });

  it('keeps line breaks (CRLF and CR become LF), tabs, marks and joiners', () => {
    expect(messageText.parse('one\r\ntwo\rthree\nfour\tfive')).toBe('one\ntwo\nthree\nfour\tfive');
    expect(messageText.parse('שלום\u200F!')).toBe('שלום\u200F!');
    expect(messageText.parse('👨‍👩‍👧')).toBe('👨‍👩‍👧');
  });

  it('refuses other control characters with a readable message', () => {
    for (const control of ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u009b']) {
      expect(refusal(messageText.safeParse(`hi ${control} there`))).toBe(
        'A message may not contain control characters (line breaks and tabs are fine).',
      );
    }
    expect(refusal(bio.safeParse('about\u0008me'))).toBe(
      'Bio may not contain control characters (line breaks and tabs are fine).',
    );
  });

  it('trims after removing, so text made only of controls is empty', () => {
    expect(messageText.parse(' \u202E \u2066 ')).toBe('');
  });
});
