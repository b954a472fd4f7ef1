import { createContext, useContext } from 'react';
import type { Drafts } from '../messages/drafts.ts';
import type { Engine } from '../realtime/engine.ts';

export interface ChatContextValue {
  engine: Engine;
  drafts: Drafts;
}

export const ChatContext = createContext<ChatContextValue | null>(null);

/** The signed-in session's engine and drafts. */
export function useChat(): ChatContextValue {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChat outside <ChatContext>');
  return value;
}
