import { describe, expect, it } from 'vitest';
import { firstLink, parseBlocks, parseInline, plainText } from './markdown.ts';

const text = (t: string) => ({ type: 'text', text: t });

describe('parseInline', () => {
  it('reads bold, italic, strikethrough and code', () => {
    expect(parseInline('a **b** *c* _d_ ~~e~~ `f*g*`')).toEqual([
      text('a '),
      { type: 'bold', children: [text('b')] },
      text(' '),
      { type: 'italic', children: [text('c')] },
      text(' '),
      { type: 'italic', children: [text('d')] },
      text(' '),
      { type: 'strike', children: [text('e')] },
      text(' '),
      { type: 'code', text: 'f*g*' },
    ]);
  });

  it('nests emphasis', () => {
    expect(parseInline('**bold _and italic_**')).toEqual([
      {
        type: 'bold',
        children: [text('bold '), { type: 'italic', children: [text('and italic')] }],
      },
    ]);
  });

  it('leaves what is not markup as it is', () => {
    for (const plain of [
      'snake_case_name and @bob_the_builder',
      '2 * 3 * 4',
      '** not bold **',
      'a lone * star',
      'unclosed `code',
      '~single~ tildes',
      '<script>alert(1)</script>',
    ]) {
      expect(parseInline(plain), plain).toEqual([text(plain)]);
    }
  });

  it('finds links, leaving the end of the sentence out', () => {
    expect(parseInline('see https://example.com/a_b_(c). Or www.example.org!')).toEqual([
      text('see '),
      { type: 'link', text: 'https://example.com/a_b_(c)', href: 'https://example.com/a_b_(c)' },
      text('. Or '),
      { type: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
      text('!'),
    ]);
    expect(parseInline('(mail mailto:me@example.com)')).toEqual([
      text('(mail '),
      { type: 'link', text: 'mailto:me@example.com', href: 'mailto:me@example.com' },
      text(')'),
    ]);
  });

  it('never makes a link of javascript: or data:', () => {
    for (const unsafe of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x']) {
      expect(parseInline(unsafe).some((n) => n.type === 'link')).toBe(false);
    }
  });

  it('keeps links whole inside emphasis, and emphasis out of links', () => {
    expect(parseInline('**https://example.com/x_y_z**')).toEqual([
      {
        type: 'bold',
        children: [
          { type: 'link', text: 'https://example.com/x_y_z', href: 'https://example.com/x_y_z' },
        ],
      },
    ]);
  });

  it('stays fast on text full of unmatched delimiters', () => {
    const started = performance.now();
    parseInline('*_~~`'.repeat(1000));
    parseInline('*h'.repeat(2000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parseBlocks', () => {
  it('reads code blocks, quotes and lists, keeping other lines as typed', () => {
    const blocks = parseBlocks(
      [
        'Hello',
        '',
        'there',
        '```',
        'const a = **1**;',
        '  indented',
        '```',
        '> quoted *words*',
        '> - in a list',
        '- one',
        '- two',
        '3. three',
        '4) four',
        'end',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { type: 'paragraph', children: [text('Hello\n\nthere')] },
      { type: 'code', text: 'const a = **1**;\n  indented' },
      {
        type: 'quote',
        children: [
          {
            type: 'paragraph',
            children: [text('quoted '), { type: 'italic', children: [text('words')] }],
          },
          { type: 'list', ordered: false, start: 1, items: [[text('in a list')]] },
        ],
      },
      { type: 'list', ordered: false, start: 1, items: [[text('one')], [text('two')]] },
      { type: 'list', ordered: true, start: 3, items: [[text('three')], [text('four')]] },
      { type: 'paragraph', children: [text('end')] },
    ]);
  });

  it('takes an unclosed fence to the end of the message', () => {
    expect(parseBlocks('```\ncode\nmore')).toEqual([{ type: 'code', text: 'code\nmore' }]);
  });

  it('does not take *italic* at the start of a line for a bullet', () => {
    expect(parseBlocks('*italic* start')[0]!.type).toBe('paragraph');
  });
});

describe('firstLink', () => {
  it('is the first http(s) link outside code', () => {
    expect(
      firstLink(
        parseBlocks(
          '`https://code.example` mailto:a@b.c\n> see http://one.example and https://two.example',
        ),
      ),
    ).toBe('http://one.example/');
    expect(firstLink(parseBlocks('```\nhttps://code.example\n```'))).toBeNull();
  });
});

describe('plainText', () => {
  it('drops the markup and keeps the words on one line', () => {
    expect(plainText('**Bold** and _it_\n> quote\n- a\n- b\n```\ncode\n```')).toBe(
      'Bold and it quote a, b code',
    );
    expect(plainText('snake_case *')).toBe('snake_case *');
  });
});
