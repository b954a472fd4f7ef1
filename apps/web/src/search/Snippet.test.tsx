import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Snippet } from './Snippet.tsx';

describe('Snippet', () => {
  it('marks the matching words', () => {
    const html = renderToStaticMarkup(
      <Snippet
        segments={[
          { text: 'the ', match: false },
          { text: 'quick', match: true },
          { text: ' fox', match: false },
        ]}
      />,
    );
    expect(html.replace(/<[^>]+>/g, '')).toBe('the quick fox');
    expect(html).toMatch(/<mark[^>]*>quick<\/mark>/);
    expect(html.match(/<mark/g)).toHaveLength(1);
  });

  it('renders markup in a message as text, never as HTML', () => {
    const html = renderToStaticMarkup(
      <Snippet
        segments={[
          { text: '<img src=x onerror=alert(1)>', match: false },
          { text: '<b>bold</b>', match: true },
        ]}
      />,
    );
    expect(html).not.toMatch(/<img|<b>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toMatch(/<mark[^>]*>&lt;b&gt;bold&lt;\/b&gt;<\/mark>/);
  });
});
