import { useEffect, useState } from 'react';
import type * as ApiSchemas from '@parley/api/schemas';

/**
 * The server's zod input schemas, for field checks before a request. Loaded on demand (zod is
 * a quarter of the bundle) and shared by everyone who asks.
 */
export type Schemas = typeof ApiSchemas;

let loaded: Schemas | null = null;
let loading: Promise<Schemas> | null = null;

export function loadSchemas(): Promise<Schemas> {
  loading ??= import('@parley/api/schemas').then((m) => (loaded = m));
  return loading;
}

/** The schemas once loaded (null before): for checks while typing. */
export function useSchemas(): Schemas | null {
  const [schemas, setSchemas] = useState(loaded);
  useEffect(() => {
    if (!schemas) void loadSchemas().then(setSchemas);
  }, [schemas]);
  return schemas;
}
