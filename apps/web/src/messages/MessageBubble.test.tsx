import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { displayMessage } from '../lib/testing.ts';
import type { DisplayMessage } from './timeline.ts';
import { MessageBubble } from './MessageBubble.tsx';

const base: DisplayMessage = displayMessage({ key: 'k0', id: 'm0' });

function bubble(over: Partial<DisplayMessage>, mine = true) {
  const message = displayMessage({ text: 'Hello\nthere', ...over });
  return renderToStaticMarkup(
    <MessageBubble message={message} mine={mine} last onRetry={() => {}} onDiscard={() => {}} />,
  );
}

describe('<MessageBubble>', () => {
  it.each([
    ['pending', 'Sending'],
    ['sent', 'Sent'],
    ['delivered', 'Delivered'],
    ['read', 'Read'],
  ] as const)('labels the %s ticks for screen readers', (status, label) => {
    const html = bubble({ status });
    expect(html).toContain(`data-status="${status}"`);
    expect(html).toContain(`aria-label="${label}"`);
    expect(html).not.toContain('Retry');
  });

  it('offers retry and delete when sending failed', () => {
    const html = bubble({ status: 'failed', error: 'Too long.' });
    expect(html).toContain('Too long.');
    expect(html).toContain('>Retry</button>');
    expect(html).toContain('>Delete</button>');
  });

  it('shows peer messages without ticks, text as typed (escaped, line breaks kept)', () => {
    const html = bubble({ status: null, text: '<b>hi</b>\nsecond line', senderId: 'bob' }, false);
    expect(html).toContain('data-mine="false"');
    expect(html).not.toContain('data-testid="ticks"');
    expect(html).toContain('&lt;b&gt;hi&lt;/b&gt;\nsecond line');
    expect(html).toContain('whitespace-pre-wrap');
  });

  it('reserves the box of each image before it loads, lazily, with alt text', () => {
    const photo = (id: string, width: number, height: number) => ({
      id,
      kind: 'image' as const,
      mime: 'image/jpeg' as const,
      width,
      height,
      url: `/api/files/${id}/display`,
      thumbUrl: `/api/files/${id}/thumb`,
      thumbWidth: Math.round((width * 320) / Math.max(width, height)),
      thumbHeight: Math.round((height * 320) / Math.max(width, height)),
    });
    const one = renderToStaticMarkup(
      <MessageBubble
        message={displayMessage({
          key: 'k2',
          id: 'm2',
          seq: 2,
          senderId: 'bob',
          text: '',
          attachments: [photo('p1', 1600, 1200)],
          status: null,
        })}
        mine={false}
        last
        senderName="Bob"
        onRetry={() => {}}
        onDiscard={() => {}}
      />,
    );
    expect(one).toContain('style="width:320px;aspect-ratio:320 / 240"');
    expect(one).toContain('loading="lazy"');
    expect(one).toContain('alt="Photo from Bob"');
    expect(one).toContain('aria-label="Open photo from Bob"');
    expect(one).toContain('src="/api/files/p1/thumb"');
    expect(one).toContain('srcSet="/api/files/p1/thumb 320w, /api/files/p1/display 1600w"');
    // No caption: no empty text paragraph.
    expect(one).not.toContain('data-testid="message-text"');

    const two = bubble({ text: 'both', attachments: [photo('a', 10, 10), photo('b', 900, 300)] });
    expect(two).toContain('grid-cols-2');
    expect(two.match(/width:158px;aspect-ratio:158 \/ 158/g)).toHaveLength(2);
    expect(two).toContain('alt="Photo 2 of 2 from you"');
    expect(two).toContain('>both<span aria-hidden="true"');
  });

  it('keeps names as they are written in image labels', () => {
    const html = bubble({ text: '', attachments: [], senderId: 'al', status: null }, false);
    expect(html).not.toContain('alice liddell');
  });

  it('says "everyone" for ticks in a group', () => {
    const html = renderToStaticMarkup(
      <MessageBubble
        message={{ ...base, status: 'read' }}
        mine
        last
        group
        onRetry={() => {}}
        onDiscard={() => {}}
      />,
    );
    expect(html).toContain('aria-label="Read by everyone"');
  });

  it('highlights mentions of members, mine most of all', () => {
    const html = renderToStaticMarkup(
      <MessageBubble
        message={{ ...base, senderId: 'bob', status: null, text: 'hey @ann and @bob and @nobody' }}
        mine={false}
        last
        onRetry={() => {}}
        onDiscard={() => {}}
        mentionedUsernames={new Set(['ann', 'bob'])}
        myUsername="ann"
      />,
    );
    expect(html).toContain('data-mentions-me="true"');
    expect(html.match(/data-testid="mention"/g)).toHaveLength(2);
    expect(html).toContain('data-me="true"');
    expect(html).toContain('>@ann</span>');
    expect(html).not.toContain('>@nobody</span>');
  });

  it('puts the time at the end of the last line, with room kept for it', () => {
    expect(bubble({})).toMatch(
      /Hello\nthere<span aria-hidden="true" class="inline-block w-\[4.75rem\]">/,
    );
  });

  it('shows one to three emoji alone large, without a bubble', () => {
    const big = bubble({ text: '👍🏽 🎉' });
    expect(big).toContain('data-emoji-only="true"');
    expect(big).toContain('font-emoji');
    expect(big).not.toContain('bg-indigo-600');
    const normal = bubble({ text: 'ok 👍' });
    expect(normal).not.toContain('data-emoji-only');
    expect(normal).toContain('bg-indigo-600');
  });
});
