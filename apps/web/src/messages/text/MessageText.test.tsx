// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBlocks } from '@parley/api/protocol';
import { MessageText } from './MessageText.tsx';

function show(text: string, mentioned: string[] = [], mine = false) {
  return render(
    <MessageText
      blocks={parseBlocks(text)}
      emoji={0}
      mentioned={new Set(mentioned)}
      myUsername="ann"
      mine={mine}
      withImages={false}
      metaWidth="w-4"
    />,
  );
}

afterEach(cleanup);

describe('MessageText', () => {
  it('renders the formatting as elements, and HTML as text', () => {
    const { container } = show(
      '**bold** *it* ~~gone~~ `x<y`\n```\n<b>not bold</b>\n```\n> said\n1. first\n- <script>alert(1)</script>',
    );
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('em')?.textContent).toBe('it');
    expect(container.querySelector('s')?.textContent).toBe('gone');
    expect(container.querySelector('p code')?.textContent).toBe('x<y');
    expect(container.querySelector('pre code')?.textContent).toBe('<b>not bold</b>');
    expect(container.querySelector('blockquote')?.textContent).toBe('said');
    expect(container.querySelector('ol li')?.textContent).toBe('first');
    expect(container.querySelector('ul li')?.textContent).toBe('<script>alert(1)</script>');
    expect(container.querySelector('script, b')).toBeNull();
  });

  it('makes safe links that open in a new tab, and no javascript: link', () => {
    const { container } = show('go to https://example.com/a. not javascript:alert(1)');
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://example.com/a');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('marks mentions inside formatted text', () => {
    show('**hi @ann** and _@bob_', ['ann', 'bob']);
    const mentions = screen.getAllByTestId('mention');
    expect(mentions.map((m) => [m.textContent, m.dataset.me])).toEqual([
      ['@ann', 'true'],
      ['@bob', undefined],
    ]);
    expect(mentions[0]!.closest('strong')).not.toBeNull();
    expect(mentions[1]!.closest('em')).not.toBeNull();
  });
});
