import { linkAt } from './links.ts';

/**
 * A safe Markdown subset for messages, read into a tree that is rendered as React elements (there
 * is no path to raw HTML): **bold** (or __bold__), *italic* (or _italic_), ~~strikethrough~~,
 * `inline code`, ``` code blocks ```, > quotes, - bullet and 1. numbered lists, and links. The
 * text as sent is what is stored; this is only how it is shown.
 */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; text: string; href: string };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] };

const DELIMITERS = [
  ['**', 'bold'],
  ['__', 'bold'],
  ['~~', 'strike'],
  ['*', 'italic'],
  ['_', 'italic'],
] as const;

const isSpace = (char: string | undefined) => char === undefined || /\s/.test(char);
const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);

/** A single `*` or `_` next to another is part of a run (`**`), not a delimiter of its own. */
const inRun = (text: string, at: number, delimiter: string) =>
  delimiter.length === 1 && (text[at - 1] === delimiter || text[at + 1] === delimiter);

/** A delimiter opens when text follows it (an underscore: not inside a word, as in snake_case). */
function canOpen(text: string, at: number, delimiter: string): boolean {
  if (isSpace(text[at + delimiter.length]) || inRun(text, at, delimiter)) return false;
  return !(delimiter[0] === '_' && isWordChar(text[at - 1]));
}

function canClose(text: string, at: number, delimiter: string): boolean {
  if (isSpace(text[at - 1])) return false;
  if (inRun(text, at, delimiter) && text[at + 1] !== delimiter) return false;
  return !(delimiter[0] === '_' && isWordChar(text[at + delimiter.length]));
}

/** The first letters of the links `linkAt` finds. */
const LINK_START = /[hwmHWM]/;

/** Where the closing backtick of a code span opened at `at` is, or -1. */
function codeEnd(text: string, at: number): number {
  const end = text.indexOf('`', at + 1);
  return end > at + 1 && !text.slice(at + 1, end).includes('\n') ? end : -1;
}

/** The closing delimiter for one opened at `at`: code spans and links are skipped over. */
function closerOf(text: string, at: number, delimiter: string): number {
  for (let i = at + delimiter.length + 1; i < text.length; i++) {
    if (text[i] === '`') {
      const end = codeEnd(text, i);
      if (end > 0) i = end;
      continue;
    }
    const link = LINK_START.test(text[i]!) ? linkAt(text, i) : null;
    if (link) {
      i += link.text.length - 1;
      continue;
    }
    if (text.startsWith(delimiter, i) && canClose(text, i, delimiter)) {
      // `**` is not the end of an italic `*`.
      if (delimiter.length === 1 && text[i + 1] === delimiter) {
        i += 1;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/** Reads one line's (or paragraph's) inline markup. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  /** Delimiters with no closer after some point have none after any later one either. */
  const unclosed = new Set<string>();
  let plain = '';
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  outer: while (i < text.length) {
    const char = text[i]!;
    if (char === '`') {
      const end = codeEnd(text, i);
      if (end > 0) {
        flush();
        out.push({ type: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    const link = LINK_START.test(char) ? linkAt(text, i) : null;
    if (link) {
      flush();
      out.push({ type: 'link', ...link });
      i += link.text.length;
      continue;
    }
    for (const [delimiter, type] of DELIMITERS) {
      if (unclosed.has(delimiter) || !text.startsWith(delimiter, i)) continue;
      if (!canOpen(text, i, delimiter)) continue;
      const end = closerOf(text, i, delimiter);
      if (end < 0) {
        unclosed.add(delimiter);
        continue;
      }
      flush();
      out.push({ type, children: parseInline(text.slice(i + delimiter.length, end)) });
      i = end + delimiter.length;
      continue outer;
    }
    plain += char;
    i += 1;
  }
  flush();
  return out;
}

const FENCE = /^\s*```/;
const QUOTE = /^\s*> ?/;
const BULLET = /^\s*[-*•]\s+/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+/;

/** Reads a message into blocks; lines that are none of the others stay one paragraph, as typed. */
export function parseBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const body = paragraph.join('\n').replace(/^\n+|\n+$/g, '');
    if (body.trim()) blocks.push({ type: 'paragraph', children: parseInline(body) });
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      flush();
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !/^\s*```\s*$/.test(lines[i]!)) body.push(lines[i++]!);
      i += 1; // the closing fence (or the end)
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }
    if (QUOTE.test(line)) {
      flush();
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(lines[i++]!.replace(QUOTE, ''));
      blocks.push({ type: 'quote', children: parseBlocks(body.join('\n')) });
      continue;
    }
    const marker = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (marker) {
      flush();
      const ordered = marker === NUMBERED;
      const start = ordered ? Number(NUMBERED.exec(line)![1]) : 1;
      const items: Inline[][] = [];
      while (i < lines.length && marker.test(lines[i]!))
        items.push(parseInline(lines[i++]!.replace(marker, '')));
      blocks.push({ type: 'list', ordered, start, items });
      continue;
    }
    paragraph.push(line);
    i += 1;
  }
  flush();
  return blocks;
}

/** The first link of a message outside code, for its preview. */
export function firstLink(blocks: readonly Block[]): string | null {
  const inInlines = (inlines: readonly Inline[]): string | null => {
    for (const node of inlines) {
      if (node.type === 'link' && /^https?:/i.test(node.href)) return node.href;
      if ('children' in node) {
        const found = inInlines(node.children);
        if (found) return found;
      }
    }
    return null;
  };
  for (const block of blocks) {
    const found =
      block.type === 'paragraph'
        ? inInlines(block.children)
        : block.type === 'quote'
          ? firstLink(block.children)
          : block.type === 'list'
            ? block.items.map(inInlines).find(Boolean)
            : null;
    if (found) return found;
  }
  return null;
}

/** The text without its markup, on one line: for the conversation list and notifications. */
export function plainText(text: string): string {
  const inline = (nodes: readonly Inline[]): string =>
    nodes.map((n) => ('children' in n ? inline(n.children) : n.text)).join('');
  const block = (b: Block): string =>
    b.type === 'paragraph'
      ? inline(b.children)
      : b.type === 'code'
        ? b.text
        : b.type === 'quote'
          ? b.children.map(block).join(' ')
          : b.items.map(inline).join(', ');
  return parseBlocks(text).map(block).join(' ').replace(/\s+/g, ' ').trim();
}
