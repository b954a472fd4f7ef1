import type { AppRouter } from './root.ts';

export type { OpaqueServerContext, ParleyErrorData, ParleyErrorShape } from './trpc.ts';

/**
 * The router's type for clients. Every router is built with the client-facing root types (see
 * `createRouter`), so this is `AppRouter` itself: nameable, emitted by `tsc --declaration`, free
 * of the server's context.
 */
export type ClientRouter = AppRouter;
