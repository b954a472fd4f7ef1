/**
 * One emoji as a grapheme: a flag (two regional indicators), a keycap, or a pictograph shown as
 * emoji (by default, or asked for with U+FE0F) with skin tone modifiers and tag characters (the
 * flags of England, Scotland, Wales), joined to others by zero-width joiners (families, jobs).
 */
const PICTOGRAPH = String.raw`(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F?)`;
const EMOJI = new RegExp(
  String.raw`^(?:\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|` +
    String.raw`${PICTOGRAPH}[\p{Emoji_Modifier}\u{E0020}-\u{E007F}]*` +
    String.raw`(?:\u200D${PICTOGRAPH}[\p{Emoji_Modifier}\uFE0F]*)*)$`,
  'u',
);
/** A pictograph that is text unless asked for as emoji (©, ®, ™, ❤ without U+FE0F). */
const TEXT_STYLE = /^\P{Emoji_Presentation}$/u;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** How many emoji a message is when it is nothing else (spaces aside), up to `max`; else 0. */
export function emojiOnlyCount(text: string, max = 3): number {
  let count = 0;
  for (const { segment } of segmenter.segment(text.trim())) {
    if (/^\s+$/.test(segment)) continue;
    if (!EMOJI.test(segment) || TEXT_STYLE.test(segment)) return 0;
    count += 1;
    if (count > max) return 0;
  }
  return count;
}
