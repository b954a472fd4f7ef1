import { describe, expect, it } from 'vitest';
import { decodeHtml, readPageMeta } from './link-page.ts';

describe('readPageMeta', () => {
  it('prefers Open Graph, then Twitter, then the title and description', () => {
    const html = `<!doctype html><html><head>
      <title>Plain &amp; simple</title>
      <meta name="description" content="The plain one">
      <meta name="twitter:title" content="Twitter title">
      <meta property="og:title" content="  Open   Graph &quot;title&quot; ">
      <meta property="og:image" content="/cover.png">
      <meta property="og:site_name" content="Example">
      </head><body><meta property="og:title" content="later"></body></html>`;
    expect(readPageMeta(html)).toEqual({
      title: 'Open Graph "title"',
      description: 'The plain one',
      siteName: 'Example',
      image: '/cover.png',
    });
  });

  it('falls back to <title>, ignores scripts, and cuts long text', () => {
    const html = `<head><script>var t = "<title>no</title>";</script><title>
      Hello
      world</title><meta name="description" content="${'x'.repeat(1000)}"></head>`;
    const meta = readPageMeta(html);
    expect(meta.title).toBe('Hello world');
    expect(meta.description).toHaveLength(400);
    expect(meta.description!.endsWith('…')).toBe(true);
    expect(meta.image).toBeNull();
  });

  it('reads a page cut in the middle of a tag', () => {
    expect(readPageMeta('<head><title>Cut</title><meta property="og:descr').title).toBe('Cut');
  });
});

describe('decodeHtml', () => {
  it('uses the declared charset, else the meta charset, else UTF-8', () => {
    const latin1 = Buffer.from('<title>caf\xe9</title>', 'latin1');
    expect(decodeHtml(latin1, 'iso-8859-1')).toContain('café');
    expect(
      decodeHtml(Buffer.concat([Buffer.from('<meta charset="windows-1252">'), latin1]), null),
    ).toContain('café');
    expect(decodeHtml(Buffer.from('<title>café</title>'), null)).toContain('café');
    expect(decodeHtml(Buffer.from('<title>café</title>'), 'no-such-charset')).toContain('café');
  });
});
