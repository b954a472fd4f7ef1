import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { displayMessage } from '../lib/testing.ts';
import type { DisplayMessage } from './timeline.ts';
import type { MessageActionsApi } from './actions/useMessageActions.tsx';
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

  describe('message actions', () => {
    const names: Record<string, string> = { bob: 'Bob' };
    const actions: MessageActionsApi = {
      me: 'ann',
      nameOf: (id) => names[id] ?? 'Someone',
      member: true,
      editWindowMs: null,
      run: () => {},
      react: () => {},
      pickReaction: () => {},
      jump: () => {},
    };
    const render = (over: Partial<DisplayMessage>, mine = true) =>
      renderToStaticMarkup(
        <MessageBubble
          message={{ ...base, ...over }}
          mine={mine}
          last
          onRetry={() => {}}
          onDiscard={() => {}}
          actions={actions}
        />,
      );

    it('shows a deleted message as a tombstone, without its menu items beyond deleting', () => {
      const html = render({ deleted: true, text: '', edited: true, forwarded: true });
      expect(html).toContain('data-testid="tombstone"');
      expect(html).toContain('This message was deleted');
      expect(html).not.toContain('edited');
      expect(html).not.toContain('Forwarded');
      expect(html).toContain('aria-label="Message actions"');
    });

    it('marks an edited and a forwarded message, and keeps room for the longer time', () => {
      const html = render({ edited: true, forwarded: true });
      expect(html).toContain('data-testid="edited-mark"');
      expect(html).toContain('↪ Forwarded');
      expect(html).toContain('w-[7.5rem]');
    });

    it('quotes the message it answers, a button to it; or says the original is gone', () => {
      const quote = {
        messageId: 'm0',
        senderId: 'bob',
        text: 'Which **crag**?',
        attachmentCount: 0,
        deleted: false,
      };
      const html = render({ replyTo: quote });
      expect(html).toContain('data-testid="reply-quote"');
      expect(html).toContain('Bob');
      expect(html).toContain('Which crag?');
      const gone = render({ replyTo: { ...quote, text: '', deleted: true } });
      expect(gone).toContain('Original message was deleted');
      // A quote keeps the bubble: a reply of one emoji is not shown bare.
      expect(render({ replyTo: quote, text: '👍' })).toContain('bg-indigo-600');
      expect(render({ text: '👍' })).not.toContain('bg-indigo-600');
    });

    it('shows the reactions as chips, mine pressed, with who reacted', () => {
      const html = render(
        {
          reactions: [
            { emoji: '👍', count: 2, userIds: ['bob', 'ann'] },
            { emoji: '😂', count: 1, userIds: ['bob'] },
          ],
        },
        false,
      );
      expect(html.match(/data-testid="reaction-chip"/g)).toHaveLength(2);
      expect(html).toContain('aria-pressed="true"');
      expect(html).toContain('title="You and Bob reacted with 👍"');
      expect(html).toContain('title="Bob reacted with 😂"');
    });

    it('offers no menu on a message still being sent', () => {
      expect(render({ status: 'pending', id: null })).not.toContain('Message actions');
    });
  });
});
