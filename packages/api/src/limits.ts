/**
 * Limits the router enforces per connection. Over the WebSocket a connection has one context for
 * its whole life; over HTTP every request has its own (and the host caps the batch size at
 * MAX_BATCH_SIZE, protocol.ts).
 */
export const CONNECTION_LIMITS = {
  /** Live subscriptions on one WebSocket connection; the next one is refused with TOO_MANY_REQUESTS. */
  subscriptionsPerConnection: 10,
  /** Queries and mutations awaiting their answer on one connection; more are refused with TOO_MANY_REQUESTS. */
  inFlightPerConnection: 32,
} as const;
