/**
 * What the load generator needs of a chat server's client: connect a user and hear their
 * messages, send, drop the connection. One implementation per server: parley-client.ts (the
 * stock tRPC client) and baseline-client.ts (socket.io-client); the pacing, the checks and the
 * figures in worker.ts are the same for both.
 */
import type { BenchUser } from './protocol.ts';

/** A message as the load generator checks it. */
export interface SeenMessage {
  id: string;
  senderId: string;
  clientMessageId: string;
}

/** What a client reports to the load generator. */
export interface ClientEvents {
  /** The user's stream is live: at first connect, and again after each drop. */
  ready(): void;
  /** A new message sent by or to this user arrived on this socket. */
  message(message: SeenMessage): void;
  /** The stream's own position check failed (Parley: an event id repeated or went back). */
  streamError(kind: 'gap' | 'repeat'): void;
  /** Connecting or subscribing failed. */
  error(error: unknown): void;
}

export interface LoadClient {
  /** Sends one message; resolves with the stored message's id once the server acknowledged it. */
  send(to: BenchUser, text: string, clientMessageId: string, via: 'ws' | 'http'): Promise<string>;
  /** Sends one message to a conversation (a group); resolves with its id once acknowledged. */
  post?(conversationId: string, text: string, clientMessageId: string): Promise<string>;
  /** One page of a conversation (the newest, or from a cursor): its number of messages. */
  history?(conversationId: string, cursor: string | null, limit: number): Promise<number>;
  /** One page of a message search (all my conversations, or one): its number of results. */
  search?(q: string, conversationId: string | null, limit: number): Promise<number>;
  /** Cuts the connection as a network failure would; the client reconnects by itself. */
  drop(): void;
  close(): Promise<void>;
}

export interface LoadProtocol {
  connect(url: string, user: BenchUser, events: ClientEvents, opts: { http: boolean }): LoadClient;
  /** A short name for an error (its code), to count errors by kind. */
  errorCode(error: unknown): string;
  /** One sign-in with a password; rejects if refused. */
  login(url: string, login: string, password: string): Promise<void>;
}
