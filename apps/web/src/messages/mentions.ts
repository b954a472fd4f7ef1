/**
 * `@username` in message text, as the server reads it: not after a word character, a dot or an
 * @; 3–32 of letters, digits, "_" and "."; trailing dots are punctuation.
 */
const MENTION = /(?<![\w.@])@([a-zA-Z0-9_.]{3,32})/g;

export interface TextPart {
  text: string;
  /** The lower-cased username when this part is a mention of someone in `usernames`. */
  mention: string | null;
}

/** Splits text into plain parts and mentions of the given (lower-cased) usernames. */
export function splitMentions(text: string, usernames: ReadonlySet<string>): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]!.replace(/\.+$/, '');
    const lower = name.toLowerCase();
    if (!usernames.has(lower)) continue;
    const start = match.index;
    if (start > at) parts.push({ text: text.slice(at, start), mention: null });
    parts.push({ text: `@${name}`, mention: lower });
    at = start + 1 + name.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), mention: null });
  return parts;
}

/** The `@query` being typed at the caret, if any: where it starts and what follows the @. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[^\w.@])@([a-zA-Z0-9_.]{0,32})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[1]!.length - 1, query: match[1]!.toLowerCase() };
}

/** Replaces the `@query` at `start..caret` with `@username ` and says where the caret goes. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  username: string,
): { text: string; caret: number } {
  const inserted = `@${username} `;
  const rest = text.slice(caret).replace(/^\s/, '');
  return { text: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
}

/** The people whose username or any word of their name starts with `query`, best first. */
export function matchMembers<U extends { username: string; displayName: string }>(
  people: readonly U[],
  query: string,
  limit = 6,
): U[] {
  const q = query.toLowerCase();
  const score = (u: U) => {
    if (u.username.toLowerCase().startsWith(q)) return 0;
    if (
      u.displayName
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.startsWith(q))
    )
      return 1;
    return -1;
  };
  return people
    .map((u) => ({ u, s: score(u) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.u.displayName.localeCompare(b.u.displayName))
    .slice(0, limit)
    .map((x) => x.u);
}
