import type * as Api from '@parley/api';
import type { AppRouter, ChatEvent } from '@parley/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/**
 * Values shared with the server. They are copied, not imported: importing '@parley/api' at run
 * time would bundle the server. The `typeof Api.X` annotations make tsc fail if they drift.
 */
export const CSRF_HEADER: typeof Api.CSRF_HEADER = 'x-parley-csrf';
export const CLOSE_CODES: typeof Api.CLOSE_CODES = {
  tokenExpired: 4001,
  sessionRevoked: 4003,
  serverRestart: 1012,
};

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type Session = RouterOutputs['auth']['login'];
export type Me = RouterOutputs['auth']['me'];
export type PublicUser = RouterOutputs['users']['search'][number];
export type Conversation = RouterOutputs['chat']['conversations']['items'][number];
export type ConversationsPage = RouterOutputs['chat']['conversations'];
export type Message = RouterOutputs['chat']['send'];
export type HistoryPage = RouterOutputs['chat']['history'];
export type { ChatEvent };
