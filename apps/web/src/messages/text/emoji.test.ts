import { describe, expect, it } from 'vitest';
import { emojiOnlyCount } from './emoji.ts';

describe('emojiOnlyCount', () => {
  it.each([
    ['😀', 1],
    ['😀😀', 2],
    [' 🎉 👍 ❤️ ', 3],
    ['👍🏽', 1], // skin tone
    ['👩‍👩‍👧‍👦', 1], // family: a ZWJ sequence
    ['🧑🏿‍💻', 1], // skin tone inside a ZWJ sequence
    ['🏳️‍🌈', 1],
    ['🇫🇷🇯🇵', 2], // flags
    ['🏴󠁧󠁢󠁳󠁣󠁴󠁿', 1], // Scotland: tag sequence
    ['#️⃣', 1], // keycap
    ['❤️', 1],
  ])('%s is %i emoji', (text, count) => {
    expect(emojiOnlyCount(text)).toBe(count);
  });

  it.each(['', 'hi 😀', '😀😀😀😀', '123', '©', '❤', 'ok', '😀.'])(
    '%j is not emoji only',
    (text) => {
      expect(emojiOnlyCount(text)).toBe(0);
    },
  );
});
