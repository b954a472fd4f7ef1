import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DisplayMessage } from '../lib/timeline.ts';
import { MessageBubble } from './MessageBubble.tsx';

function bubble(over: Partial<DisplayMessage>, mine = true) {
  const message: DisplayMessage = {
    key: 'k1',
    id: 'm1',
    seq: 1,
    senderId: 'ann',
    text: 'Hello\nthere',
    attachments: [],
    createdAt: new Date(2026, 2, 18, 9, 5),
    status: 'sent',
    error: null,
    ...over,
  };
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
});
