import { createContext, useContext } from 'react';
import type { Drafts } from '../lib/drafts.ts';
import type { Engine } from '../lib/engine.ts';
import type { PublicUser } from '../lib/protocol.ts';
import type { Store } from '../lib/store.ts';

export interface ChatContextValue {
  engine: Engine;
  drafts: Drafts;
  /** People seen in search results and lists, to show a conversation that has no message yet. */
  people: Store<Record<string, PublicUser>>;
}

export const ChatContext = createContext<ChatContextValue | null>(null);

export function useChat(): ChatContextValue {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChat outside <ChatContext>');
  return value;
}
