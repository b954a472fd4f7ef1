import { Parser } from 'htmlparser2';

/** What a page says about itself, as found in its HTML. */
export interface PageMeta {
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** As written in the page: resolve it against the page's URL. */
  image: string | null;
}

/** The first of these properties (Open Graph, then Twitter, then plain HTML) that a page has. */
const SOURCES = {
  title: ['og:title', 'twitter:title'],
  description: ['og:description', 'twitter:description', 'description'],
  siteName: ['og:site_name'],
  image: ['og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src'],
} as const;

const LENGTHS = { title: 200, description: 400, siteName: 100 } as const;

/** Whitespace collapsed, cut to `max` characters (with an ellipsis), null when empty. */
function tidy(text: string | undefined, max: number): string | null {
  const clean = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
}

/**
 * Reads the `<meta>` tags (property= or name=) and the first `<title>` of an HTML document (or its
 * start); entities are decoded, scripts and styles ignored.
 */
export function readPageMeta(html: string): PageMeta {
  const metas = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let titleDone = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title' && !titleDone) inTitle = true;
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').trim().toLowerCase();
        if (key && attributes.content !== undefined && !metas.has(key))
          metas.set(key, attributes.content);
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name !== 'title' || !inTitle) return;
        inTitle = false;
        titleDone = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const first = (keys: readonly string[]) =>
    keys.map((key) => metas.get(key)).find((value) => value?.trim());
  return {
    title: tidy(first(SOURCES.title) ?? title, LENGTHS.title),
    description: tidy(first(SOURCES.description), LENGTHS.description),
    siteName: tidy(first(SOURCES.siteName), LENGTHS.siteName),
    image: first(SOURCES.image)?.trim() ?? null,
  };
}

/** Decodes an HTML body in its declared charset (UTF-8 when none or unknown). */
export function decodeHtml(body: Buffer, charset: string | null): string {
  const declared =
    charset ?? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(body.toString('latin1', 0, 2048))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
