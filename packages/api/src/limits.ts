/**
 * Limits the router enforces per connection. Over the WebSocket a connection has one context for
 * its whole life; over HTTP every request has its own (and the host caps the batch size).
 */
export const CONNECTION_LIMITS = {
  /** Live subscriptions on one WebSocket connection; the next one is refused with TOO_MANY_REQUESTS. */
  subscriptionsPerConnection: 10,
  /** Queries and mutations awaiting their answer on one connection; more are refused with TOO_MANY_REQUESTS. */
  inFlightPerConnection: 32,
} as const;

/**
 * Close codes of sockets ended by a limit, alongside CLOSE_CODES. A client reconnects after
 * 1009 and 4008 (resuming by lastEventId) and backs off before retrying after 4029.
 */
export const LIMIT_CLOSE_CODES = {
  /** Standard code: a frame larger than the server accepts. */
  messageTooBig: 1009,
  /** The client did not read its socket fast enough; reconnect and resume by lastEventId. */
  slowConsumer: 4008,
  /** Too many sockets for this account or address (or too many at once): back off, then retry. */
  tooManyConnections: 4029,
} as const;
