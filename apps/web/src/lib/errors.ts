/** Reading tRPC errors the way the UI needs them. */
export interface ErrorInfo {
  code: string | null;
  message: string;
  fieldErrors: Record<string, string[]>;
  retryAfterSeconds: number | null;
}

export function errorInfo(error: unknown): ErrorInfo {
  const data = (error as { data?: Record<string, unknown> | null } | null)?.data ?? null;
  const code = typeof data?.code === 'string' ? data.code : null;
  const fieldErrors = (data?.fieldErrors as Record<string, string[]> | null | undefined) ?? {};
  const raw = error instanceof Error ? error.message : String(error);
  const network = !code && /fetch|network|socket|connect/i.test(raw);
  return {
    code,
    message: network
      ? 'Cannot reach Parley. Check your connection.'
      : raw || 'Something went wrong.',
    fieldErrors,
    retryAfterSeconds: typeof data?.retryAfterSeconds === 'number' ? data.retryAfterSeconds : null,
  };
}

export const isUnauthorized = (error: unknown) => errorInfo(error).code === 'UNAUTHORIZED';
