import { describe, expect, it } from 'vitest';
import { mentionedUsernames } from './mentions.ts';

describe('mentionedUsernames', () => {
  it('finds each @username once, lower-cased, wherever it stands', () => {
    expect(mentionedUsernames('@Alice hi, and @bob_1. Also @alice again (@carol.d)')).toEqual([
      'alice',
      'bob_1',
      'carol.d',
    ]);
  });

  it('ignores e-mail addresses, names too short and a trailing full stop', () => {
    expect(mentionedUsernames('mail bob@example.com or @al, then @dave.')).toEqual(['dave']);
    expect(mentionedUsernames('no mentions here')).toEqual([]);
  });
});
