// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatContext } from '../app/session-context.ts';
import { createStore } from '../lib/store.ts';
import { user } from '../lib/testing.ts';
import { trpc } from '../lib/trpc.ts';
import type { Engine } from '../realtime/engine.ts';
import { Composer, enterSends, placeholderFor } from './Composer.tsx';
import { composerMode } from './actions/composer-mode.ts';
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
    directory: { people: createStore({ bob: user({ id: 'bob' }) }), want: vi.fn() },
  } as unknown as Engine;
  const drafts = createDrafts(null, 'd');
  if (opts.draft) drafts.set('c1', opts.draft);
  // No server: nothing here calls it (editing asks through tRPC).
  const queryClient = new QueryClient();
  render(
    <trpc.Provider client={trpc.createClient({ links: [] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ChatContext.Provider value={{ engine, drafts }}>
          <Composer
            destination={{ conversationId: 'c1' }}
            name="Maximiliana Alexandrina Featherstonehaugh"
            uploads={uploads}
            mentionable={opts.mentionable ?? []}
          />
        </ChatContext.Provider>
      </QueryClientProvider>
    </trpc.Provider>,
  );
  return { send, box: screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement };
}

afterEach(() => {
  cleanup();
  composerMode.set(null);
});

const quote = {
  messageId: 'm1',
  senderId: 'bob',
  text: 'Where?',
  attachmentCount: 0,
  deleted: false,
};

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

  it('replies: the quote shows above the box and goes with the message; Escape drops it', async () => {
    const { box, send } = setup();
    act(() => composerMode.set({ kind: 'reply', conversationId: 'c1', quote }));
    // The banner's code loads on demand.
    expect((await screen.findByTestId('reply-banner')).textContent).toContain('BobWhere?');
    fireEvent.change(box, { target: { value: 'At the crag' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).toHaveBeenCalledWith({ conversationId: 'c1' }, 'At the crag', [], quote);
    expect(screen.queryByTestId('reply-banner')).toBeNull();

    act(() => composerMode.set({ kind: 'reply', conversationId: 'c1', quote }));
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByTestId('reply-banner')).toBeNull();
    // Another conversation's reply is not this composer's.
    act(() => composerMode.set({ kind: 'reply', conversationId: 'c2', quote }));
    expect(screen.queryByTestId('reply-banner')).toBeNull();
  });

  it('edits in the box: the text comes in, Escape brings the draft back', () => {
    const { box, send } = setup({ draft: 'half a thought' });
    act(() =>
      composerMode.set({ kind: 'edit', conversationId: 'c1', messageId: 'm2', text: 'typo' }),
    );
    expect(box.value).toBe('typo');
    expect(screen.getByRole('button', { name: 'Save edit' })).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(box.value).toBe('half a thought');
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
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
