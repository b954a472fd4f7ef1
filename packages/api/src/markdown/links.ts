/**
 * Web addresses in message text: `http(s)://…`, `www.…` and `mailto:…`, up to a space or a
 * character that cannot be in one; punctuation at the end (a full stop, a closing bracket
 * without its opening one) is left to the sentence.
 */
const LINK = /(?<![\w@.:/-])(?:https?:\/\/|www\.|mailto:)[^\s<>"`*]+/giy;
const TRAILING = /[.,:;!?'’)\]}]+$/;

/** The address a link opens: http, https or mailto only (never javascript: or data:). */
export function safeHref(raw: string): string | null {
  const candidate = /^www\./i.test(raw) ? `https://${raw}` : raw;
  try {
    const url = new URL(candidate);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    if (url.protocol === 'mailto:' && /^[^@\s]+@[^@\s]+$/.test(url.pathname)) return url.href;
  } catch {
    return null;
  }
  return null;
}

/** Keeps a closing bracket when the link opened one (Wikipedia's `Foo_(bar)`). */
function trimTrailing(text: string): string {
  let end = text.length;
  for (;;) {
    const tail = TRAILING.exec(text.slice(0, end))?.[0];
    if (!tail) return text.slice(0, end);
    const last = text[end - 1]!;
    const kept = text.slice(0, end);
    if (last === ')' && count(kept, '(') >= count(kept, ')')) return kept;
    end -= 1;
  }
}

const count = (text: string, char: string) => text.split(char).length - 1;

/** The link starting exactly at `at`, if any: its text and where it opens. */
export function linkAt(text: string, at: number): { text: string; href: string } | null {
  LINK.lastIndex = at;
  const match = LINK.exec(text);
  if (!match) return null;
  const found = trimTrailing(match[0]);
  const href = safeHref(found);
  return href && found.length > 'www.'.length ? { text: found, href } : null;
}
