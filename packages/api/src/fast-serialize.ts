import superjson, { type SuperJSONResult } from 'superjson';

type DateAnnotations = Record<string, ['Date']>;

// superjson's path escaping (pathstringifier.ts): `\` and `.` inside a key are backslash-escaped.
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\')
    ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.')
    : key;
}

/**
 * Walks JSON values, plain objects, arrays and valid dates, recording the path of every date.
 * Returns false for anything else superjson would annotate or treat specially (undefined,
 * special numbers, bigint, Map, Set, class instances, a value met twice, keys superjson refuses).
 */
function walk(value: unknown, path: string, dates: DateAnnotations, seen: Set<object>): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (seen.has(value)) return false;
  seen.add(value);
  const prefix = path === '' ? '' : `${path}.`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return false;
      const item: unknown = value[i];
      if (item instanceof Date) {
        if (!dateOk(item, seen)) return false;
        dates[`${prefix}${i}`] = ['Date'];
      } else if (!walk(item, `${prefix}${i}`, dates, seen)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return false;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item instanceof Date) {
      if (!dateOk(item, seen)) return false;
      dates[`${prefix}${escapeKey(key)}`] = ['Date'];
    } else if (!walk(item, `${prefix}${escapeKey(key)}`, dates, seen)) return false;
  }
  return true;
}

function dateOk(date: Date, seen: Set<object>): boolean {
  if (
    seen.has(date) ||
    Number.isNaN(date.getTime()) ||
    Object.getPrototypeOf(date) !== Date.prototype
  ) {
    return false;
  }
  seen.add(date);
  return true;
}

/**
 * `superjson.serialize` for what procedures return, without its cost: one walk that only
 * records where the dates are, and no copy — `JSON.stringify` turns each date into the same
 * ISO string superjson would. Anything beyond JSON and dates (see `walk`) goes through
 * superjson itself, so the result is always exactly what superjson would send.
 */
export function serializeOutput(value: unknown): SuperJSONResult {
  if (value instanceof Date) return superjson.serialize(value);
  const dates = dateAnnotations(value);
  if (!dates) return superjson.serialize(value);
  for (const _ in dates)
    return { json: value as SuperJSONResult['json'], meta: { values: dates, v: 1 } };
  return { json: value as SuperJSONResult['json'] };
}

/**
 * Where the dates are in `value` (paths below `prefix`), as superjson's `meta.values`; false when
 * it holds anything else superjson would annotate (see `walk`).
 */
export function dateAnnotations(value: unknown, prefix = ''): DateAnnotations | false {
  const dates: DateAnnotations = {};
  return walk(value, prefix, dates, new Set()) ? dates : false;
}
