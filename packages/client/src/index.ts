export {
  createParleyClient,
  reconnectDelayMs,
  type ParleyClient,
  type ParleyClientOptions,
} from './client.ts';
export { holdWhileReconnecting } from './hold-while-reconnecting.ts';
export type { StoredSession } from './session.ts';
export type { AppRouter, ChatEvent, Message, PublicUser, User } from '@parley/api';
