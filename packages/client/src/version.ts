/**
 * The tRPC version this client is built and tested with, and the one the server runs: a client
 * that uses `@trpc/client` itself (with this package's `AppRouter`) must use exactly this version
 * of `@trpc/client` and `@trpc/server`; tRPC's wire format and types are only guaranteed between
 * equal versions.
 */
export const TRPC_VERSION = '11.19.0';
