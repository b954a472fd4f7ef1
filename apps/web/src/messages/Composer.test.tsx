// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatContext } from '../app/session-context.ts';
import { createStore } from '../lib/store.ts';
import { user } from '../lib/testing.ts';
import type { Engine } from '../realtime/engine.ts';
import { Composer, enterSends, placeholderFor } from './Composer.tsx';
import { createDrafts } from './drafts.ts';
import type { UploadQueue } from './useUploads.ts';

const uploads: UploadQueue = {
  items: [],
  summary: { uploading: 0, failed: 0, attachments: [], ready: true, progress: 1 },
  add: () => undefined,
  remove: () => undefined,
  clear: () => undefined,
};

function setup(opts: { draft?: string; mentionable?: ReturnType<typeof user>[] } = {}) {
  const send = vi.fn();
  const engine = {
    me: 'ann',
    connection: createStore('online'),
    send,
    sendTyping: vi.fn(),
  } as unknown as Engine;
  const drafts = createDrafts(null, 'd');
  if (opts.draft) drafts.set('c1', opts.draft);
  render(
    <ChatContext.Provider value={{ engine, drafts }}>
      <Composer
        destination={{ conversationId: 'c1' }}
        name="Maximiliana Alexandrina Featherstonehaugh"
        uploads={uploads}
        mentionable={opts.mentionable ?? []}
      />
    </ChatContext.Provider>,
  );
  return { send, box: screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement };
}

afterEach(cleanup);

describe('<Composer>', () => {
  it('keeps the counter over the limit, in red, instead of hiding it', () => {
    setup({ draft: 'x'.repeat(4012) });
    const counter = screen.getByTestId('composer-counter');
    expect(counter.textContent).toContain('4012 / 4000');
    expect(counter.dataset.over).toBe('true');
    expect(counter.className).toContain('text-rose-700');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(
      false,
    );
  });

  it('offers the members for @, and Enter picks one instead of sending', async () => {
    const { box, send } = setup({
      mentionable: [user({ id: 'bob', displayName: 'Bob Builder' }), user({ id: 'cyd' })],
    });
    await act(async () => {
      fireEvent.change(box, { target: { value: 'hi @bu', selectionStart: 6 } });
    });
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(1);
    expect(options[0]!.textContent).toContain('Bob Builder@bob');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('hi @bob ');
    expect(send).not.toHaveBeenCalled();
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('sends with Enter on a keyboard, breaks the line on a touch screen', () => {
    expect(enterSends({ shiftKey: false, isComposing: false }, false)).toBe(true);
    expect(enterSends({ shiftKey: true, isComposing: false }, false)).toBe(false);
    expect(enterSends({ shiftKey: false, isComposing: false }, true)).toBe(false);
  });

  it('keeps a long name out of the placeholder, so it fits one line', () => {
    expect(placeholderFor('Maximiliana Alexandrina Featherstonehaugh')).toBe('Message Maximiliana');
    expect(placeholderFor('Bartholomew-Alexandrovich-Long')).toBe('Message Bartholomew-Alexa…');
    expect(placeholderFor('Night shift crew with a long name', true)).toBe(
      'Message Night shift cre…',
    );
  });
});
