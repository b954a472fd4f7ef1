/**
 * What people may type, beyond lengths: the input schemas apply these rules to every name, title
 * and text a user writes for others to see.
 *
 * - Names and titles (`safeTitle`) are one line of visible text. Refused: control characters,
 *   line and paragraph separators, the bidirectional controls (embeddings, overrides, isolates
 *   and the marks LRM, RLM, ALM) that make "\u202Eecila" show as "alice", and the invisible
 *   characters that let one name pass for another (zero-width space, word joiner, soft hyphen,
 *   Hangul fillers, byte order mark, ...). The zero-width joiner and non-joiner stay: emoji
 *   sequences and Persian and Indic writing need them.
 * - Multi-line text (`safeText`: messages, bios) keeps its line breaks (CRLF and CR become LF) and
 *   tabs; any other control character is refused; bidirectional embeddings, overrides and isolates
 *   are removed, so that no text reorders what is shown around it; the marks stay (right-to-left
 *   writing uses them, and they reorder nothing beyond their own paragraph).
 */
import { z } from 'zod';

/** C0 and C1 control characters and DEL, but tab and line feed. */
const CONTROL_BUT_TAB_LF = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f';
/** C0 and C1 control characters and DEL. */
const CONTROL = `${CONTROL_BUT_TAB_LF}\\t\\n`;
/** Bidirectional embeddings, overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI). */
const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';
/** Bidirectional marks: LRM, RLM, ALM. */
const BIDI_MARKS = '\\u200e\\u200f\\u061c';
/** Invisible characters that are not needed to write any language. */
const INVISIBLE =
  '\\u00ad\\u115f\\u1160\\u180e\\u200b\\u2060-\\u2064\\u206a-\\u206f' +
  '\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb';
const LINE_SEPARATORS = '\\u2028\\u2029';

const UNSAFE_IN_TITLE = new RegExp(
  `[${CONTROL}${BIDI_CONTROLS}${BIDI_MARKS}${INVISIBLE}${LINE_SEPARATORS}]`,
);
const UNSAFE_IN_TEXT = new RegExp(`[${CONTROL_BUT_TAB_LF}]`);
const BIDI_CONTROL = new RegExp(`[${BIDI_CONTROLS}]`, 'g');

/** Whether a name or title is one line of visible text (see the rules above). */
export function isSafeTitle(text: string): boolean {
  return !UNSAFE_IN_TITLE.test(text);
}

/** Multi-line text with its line breaks made LF and its bidirectional controls removed. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(BIDI_CONTROL, '');
}

/** Whether cleaned text has no control character but tab and line feed. */
export function isSafeText(text: string): boolean {
  return !UNSAFE_IN_TEXT.test(text);
}

/**
 * The schema rule for a name or title, refused with a readable message naming it:
 * `z.string().trim().min(1).max(64).apply(safeTitle('Group title'))`.
 */
export const safeTitle =
  (label: string) =>
  (schema: z.ZodString): z.ZodString =>
    schema.check(
      z.refine(isSafeTitle, {
        message: `${label} may only contain visible characters on one line: no control, invisible or text-direction characters.`,
      }),
    );

/**
 * The schema rule for multi-line text: cleaned (see `cleanText`), then refused if a control
 * character is left: `z.string().apply(safeText('A message')).trim().max(4000)`.
 */
export const safeText =
  (label: string) =>
  (schema: z.ZodString): z.ZodString =>
    schema.overwrite(cleanText).check(
      z.refine(isSafeText, {
        message: `${label} may not contain control characters (line breaks and tabs are fine).`,
      }),
    );
