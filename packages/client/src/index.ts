export {
  createParleyClient,
  reconnectDelayMs,
  type ParleyClient,
  type ParleyClientOptions,
  type ParleyTransport,
} from './client.ts';
export {
  isParleyError,
  TRPCClientError,
  type ParleyError,
  type ParleyErrorCode,
} from './errors.ts';
export { FetchEventSource, type FetchEventSourceInit } from './event-source.ts';
export { deliverOnceLink } from './deliver-once-link.ts';
export { holdWhileReconnecting } from './hold-while-reconnecting.ts';
export { silenceReplacedSockets } from './silence-replaced-sockets.ts';
export type { StoredSession } from './session.ts';
export { TRPC_VERSION } from './version.ts';
export {
  CLOSE_CODES,
  LIMIT_CLOSE_CODES,
  MAX_BATCH_SIZE,
  othersReached,
} from '@parley/api/protocol';
export type { AppRouter, RouterInputs, RouterOutputs } from './router.ts';
export type {
  ChatEvent,
  ChatEventItem,
  ConversationView,
  HistoryPage,
  MemberView,
  Message,
  MessageInfo,
  ParleyErrorData,
  ParleyErrorShape,
  PublicUser,
  ReceiptMarks,
  SendInput,
  SystemEvent,
  User,
} from '@parley/api';
