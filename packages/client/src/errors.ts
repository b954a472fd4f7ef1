import { TRPCClientError } from '@trpc/client';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import type { AppRouter } from './router.ts';

export { TRPCClientError };

/** Every error a Parley call rejects with: `error.data.code`, `error.data.fieldErrors`, ... */
export type ParleyError = TRPCClientError<AppRouter>;

/** What `error.data.code` can be: `'UNAUTHORIZED'`, `'BAD_REQUEST'`, `'TOO_MANY_REQUESTS'`, ... */
export type ParleyErrorCode = TRPC_ERROR_CODE_KEY;

/**
 * Whether `error` is an error from a Parley call (typed: `error.data.code`, `error.message`,
 * `error.data.fieldErrors`, `error.data.retryAfterSeconds`), and, given `code`, one of that code.
 *
 * ```ts
 * try { await parley.trpc.chat.send.mutate(input); }
 * catch (error) { if (isParleyError(error, 'TOO_MANY_REQUESTS')) wait(error.data?.retryAfterSeconds); }
 * ```
 */
export function isParleyError(error: unknown, code?: ParleyErrorCode): error is ParleyError {
  const isClientError =
    error instanceof TRPCClientError ||
    (error instanceof Error && error.name === 'TRPCClientError' && 'shape' in error);
  if (!isClientError) return false;
  return code === undefined || (error as ParleyError).data?.code === code;
}
