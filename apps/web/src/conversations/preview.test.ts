import { describe, expect, it } from 'vitest';
import { conversation, group, message } from '../lib/testing.ts';
import { previewOf } from './preview.ts';

const names: Record<string, string> = { bob: 'Bob', cy: 'Cy' };
const ctx = { me: 'ann', nameOf: (id: string) => names[id] ?? 'Someone' };
const photo = {
  id: 'f1',
  kind: 'image' as const,
  mime: 'image/png' as const,
  width: 10,
  height: 10,
  url: '/api/files/f1/display',
  thumbUrl: '/api/files/f1/thumb',
  thumbWidth: 10,
  thumbHeight: 10,
};

describe('conversation previews', () => {
  it('say who wrote the newest message', () => {
    expect(previewOf(conversation(), ctx).text).toBe('No messages yet');
    const mine = message({ seq: 1, senderId: 'ann', text: 'hi\nthere' });
    expect(previewOf(conversation({ lastMessage: mine }), ctx).text).toBe('You: hi there');
    const bobs = message({ seq: 2, senderId: 'bob', text: 'yo' });
    expect(previewOf(conversation({ lastMessage: bobs }), ctx).text).toBe('yo');
    expect(previewOf(group({ lastMessage: bobs }), ctx).text).toBe('Bob: yo');
    expect(
      previewOf(group({ lastMessage: bobs, lastSender: { id: 'bob', displayName: 'Robert' } }), ctx)
        .text,
    ).toBe('Robert: yo');
  });

  it('show the text without its markup', () => {
    const formatted = message({ seq: 3, senderId: 'bob', text: '**Big** news:\n- one\n- `two`' });
    expect(previewOf(conversation({ lastMessage: formatted }), ctx).text).toBe(
      'Big news: one, two',
    );
  });

  it('follow an edit and a deletion for everyone', () => {
    const edited = message({ seq: 3, senderId: 'bob', text: 'fixed', editedAt: new Date() });
    expect(previewOf(conversation({ lastMessage: edited }), ctx).text).toBe('fixed');
    const gone = message({ seq: 3, senderId: 'ann', text: '', deletedAt: new Date() });
    expect(previewOf(conversation({ lastMessage: gone }), ctx).text).toBe(
      'You: This message was deleted',
    );
  });

  it('describe images and group changes', () => {
    const image = message({ seq: 3, senderId: 'cy', text: '', attachments: [photo, photo] });
    expect(previewOf(group({ lastMessage: image }), ctx).text).toBe('Cy: 📷 2 photos');
    const added = message({
      seq: 4,
      senderId: 'bob',
      kind: 'system',
      text: '',
      system: { action: 'added', actorId: 'bob', userIds: ['ann'] },
    });
    expect(previewOf(group({ lastMessage: added }), ctx).text).toBe('Bob added you');
  });

  it('show my draft first, then a message still waiting to be sent', () => {
    const last = message({ seq: 5, senderId: 'bob', text: 'are you there?' });
    const c = conversation({ lastMessage: last });
    expect(previewOf(c, { ...ctx, draft: '  half a\nthought ' })).toEqual({
      label: 'Draft',
      text: 'half a thought',
    });
    const pending = { text: 'on my way', attachments: [], createdAt: Date.now() };
    expect(previewOf(c, { ...ctx, pending }).text).toBe('You: on my way');
    const older = { ...pending, createdAt: 0 };
    expect(previewOf(c, { ...ctx, pending: older }).text).toBe('are you there?');
  });
});
