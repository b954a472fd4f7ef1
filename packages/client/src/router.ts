import type { ClientRouter } from '@parley/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/**
 * The Parley router's type, for `createTRPCClient<AppRouter>` and friends: every procedure with its
 * input and output, the error shape and the transformer (superjson). The server's context is
 * opaque, so no server package is needed to type-check against it.
 */
export type AppRouter = ClientRouter;

/** Every procedure's input, e.g. `RouterInputs['chat']['send']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Every procedure's output, e.g. `RouterOutputs['chat']['history']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
