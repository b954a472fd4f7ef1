// MongoDB reports a unique-index violation as code 11000 with the index's `keyPattern`.

// The fields of the unique index a duplicate-key error hit, or null for any other error.
export function duplicateKeyFields(error: unknown): string[] | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, keyPattern, keyValue } = error as {
    code?: unknown;
    keyPattern?: unknown;
    keyValue?: unknown;
  };
  if (code !== 11000) return null;
  const pattern = keyPattern ?? keyValue;
  return typeof pattern === 'object' && pattern !== null ? Object.keys(pattern) : [];
}
