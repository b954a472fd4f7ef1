export {
  createParleyClient,
  reconnectDelayMs,
  type ParleyClient,
  type ParleyClientOptions,
} from './client.ts';
export { deliverOnceLink } from './deliver-once-link.ts';
export { holdWhileReconnecting } from './hold-while-reconnecting.ts';
export { silenceReplacedSockets } from './silence-replaced-sockets.ts';
export type { StoredSession } from './session.ts';
export { othersReached } from '@parley/api/protocol';
export type { AppRouter, RouterInputs, RouterOutputs } from './router.ts';
export type {
  ChatEvent,
  ConversationView,
  HistoryPage,
  MemberView,
  Message,
  MessageInfo,
  PublicUser,
  ReceiptMarks,
  SendInput,
  SystemEvent,
  User,
} from '@parley/api';
