import type * as Api from '@parley/api';
import { EPHEMERAL_EVENT_TYPES } from '@parley/api/protocol';
import type { AppRouter, ChatEvent } from '@parley/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

// The router's types; its run-time constants come from '@parley/api/protocol'.
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type Session = RouterOutputs['auth']['login'];
/** The signed-in user as sign-in returns it (`auth.me` adds `isAdmin` and `editWindowMs`: see useMe). */
export type Me = Session['user'];
export type PublicUser = RouterOutputs['users']['search'][number];
/** A person's name, bio and picture, without presence (what `user.updated` carries). */
export type Profile = Extract<ChatEvent, { type: 'user.updated' }>['user'];
export type Conversation = RouterOutputs['chat']['conversation'];
export type ConversationsPage = RouterOutputs['chat']['conversations'];
export type Message = RouterOutputs['chat']['send'];
export type HistoryPage = RouterOutputs['chat']['history'];
export type MessageInfo = RouterOutputs['chat']['messageInfo'];
export type PrivacySettings = RouterOutputs['users']['settings'];
export type Member = RouterOutputs['groups']['members']['items'][number];
export type PublicGroup = RouterOutputs['groups']['browse']['items'][number];
export type Role = Api.Role;
export type SystemEvent = Api.SystemEvent;
export type ReceiptMarks = Api.ReceiptMarks;
/** Where a message goes: a conversation, or a person (opening our direct conversation). */
export type Destination = { conversationId: string } | { to: string };
export type { ChatEvent };

/** Durable events (every type the server does not list as ephemeral) carry a position in my stream. */
export const isDurable = (event: ChatEvent): boolean => !EPHEMERAL_EVENT_TYPES.has(event.type);
