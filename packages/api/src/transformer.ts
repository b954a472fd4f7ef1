import { TRPCError } from '@trpc/server';
import superjson, { type SuperJSONResult } from 'superjson';
import { serializeOutput } from './fast-serialize.ts';
import { encodeTracked } from './wire.ts';

/** The value types an input may carry beside JSON; everything else superjson knows is refused. */
const INPUT_TYPES = new Set(['undefined', 'Date', 'number']);
/** Annotation nodes walked at most: more than any real input has, few enough to stay cheap. */
const MAX_ANNOTATIONS = 1000;

function refuse(message: string): never {
  throw new TRPCError({ code: 'BAD_REQUEST', message });
}

/**
 * Checks superjson's `meta.values` before deserializing: a client may only send JSON, dates,
 * `undefined` and special numbers. Without this, a BigInt annotation on a megabyte of digits costs
 * a third of a second of CPU per request, and class, symbol or custom annotations reach code
 * that no input needs.
 */
function checkAnnotations(values: unknown): void {
  const stack: unknown[] = [values];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined || node === null) continue;
    if (++seen > MAX_ANNOTATIONS) refuse('The input has too many type annotations.');
    if (Array.isArray(node)) {
      const [type, children] = node as [unknown, unknown];
      if (typeof type !== 'string' || !INPUT_TYPES.has(type)) {
        refuse('An input may only contain JSON values, dates and undefined.');
      }
      if (children !== undefined) stack.push(children);
      continue;
    }
    if (typeof node !== 'object') refuse('The input has malformed type annotations.');
    for (const child of Object.values(node)) stack.push(child);
  }
}

function deserializeInput(payload: unknown): unknown {
  // What superjson makes of a missing or non-object envelope (it throws on undefined and null).
  if (typeof payload !== 'object' || payload === null) return undefined;
  const meta = (payload as { meta?: unknown }).meta;
  if (meta !== undefined) {
    if (typeof meta !== 'object' || meta === null)
      refuse('The input has malformed type annotations.');
    checkAnnotations((meta as { values?: unknown }).values);
  }
  return superjson.deserialize(payload as SuperJSONResult);
}

/**
 * superjson both ways, with inputs limited to what procedures accept (see checkAnnotations) and
 * outputs serialized by a faster equivalent.
 */
export const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: deserializeInput,
  },
  output: {
    // Byte for byte what superjson.serialize sends, at a fraction of its cost (fast-serialize.ts);
    // a subscription's event is encoded once for all the sockets it goes to (wire.ts).
    serialize: (value: unknown) =>
      (encodeTracked(value) as SuperJSONResult | null) ?? serializeOutput(value),
    deserialize: (value: unknown) => superjson.deserialize(value as SuperJSONResult),
  },
};
