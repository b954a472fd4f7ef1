import type { SuperJSONResult } from 'superjson';
import { dateAnnotations } from './fast-serialize.ts';

/**
 * Encoding each event once for all its sockets.
 *
 * A subscription item goes out as `{ id, jsonrpc, result: { type: 'data', id, data } }`, where
 * `data` is the superjson envelope of `{ id, data: event }`. The same event object reaches every
 * socket that should get it (the event hub hands one object to all its listeners), so its JSON is
 * made once, kept beside the object, and spliced into each socket's frame: per socket, only the
 * few bytes around it are built.
 */

/** A superjson envelope already encoded; `toJSON` gives the object back to any other writer. */
export class EncodedEnvelope {
  constructor(
    readonly json: string,
    private readonly value: () => SuperJSONResult,
  ) {}

  toJSON(): SuperJSONResult {
    return this.value();
  }
}

interface EncodedEvent {
  /** JSON of the event (dates as ISO strings, as JSON.stringify writes them). */
  json: string;
  /** superjson's `meta.values` for `{ id, data: event }`, as JSON; null without dates. */
  meta: string | null;
}

const encoded = new WeakMap<object, EncodedEvent | false>();

function encodeEvent(event: object): EncodedEvent | false {
  let found = encoded.get(event);
  if (found === undefined) {
    const dates = dateAnnotations(event, 'data');
    found = dates && {
      json: JSON.stringify(event),
      meta: Object.keys(dates).length > 0 ? JSON.stringify(dates) : null,
    };
    encoded.set(event, found);
  }
  return found;
}

/** A tracked item `{ id, data }` whose `data` is an event (an object with a string `type`). */
function isTrackedEvent(value: unknown): value is { id: string; data: { type: string } } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const item = value as { id?: unknown; data?: unknown };
  return (
    typeof item.id === 'string' &&
    typeof item.data === 'object' &&
    item.data !== null &&
    typeof (item.data as { type?: unknown }).type === 'string' &&
    Object.keys(value).length === 2
  );
}

/**
 * The superjson envelope of a tracked event, encoded once per event; null for anything else (or
 * an event superjson would annotate beyond dates), which the caller serializes as usual.
 */
export function encodeTracked(value: unknown): EncodedEnvelope | null {
  if (!isTrackedEvent(value)) return null;
  const event = encodeEvent(value.data);
  if (!event) return null;
  const id = JSON.stringify(value.id);
  const meta = event.meta === null ? '' : `,"meta":{"values":${event.meta},"v":1}`;
  return new EncodedEnvelope(
    `{"json":{"id":${id},"data":${event.json}}${meta}}`,
    () => JSON.parse(`{"json":{"id":${id},"data":${event.json}}${meta}}`) as SuperJSONResult,
  );
}

interface Frame {
  id?: unknown;
  jsonrpc?: unknown;
  result?: { type?: unknown; id?: unknown; data?: unknown };
}

/**
 * tRPC's WebSocket encoder (`experimental_encoder`): JSON, with an already encoded envelope
 * spliced in as it is.
 */
export const wsEncoder = {
  encode(message: unknown): string {
    const frame = message as Frame;
    const data = frame.result?.data;
    if (!(data instanceof EncodedEnvelope)) return JSON.stringify(message);
    const jsonrpc =
      frame.jsonrpc === undefined ? '' : `,"jsonrpc":${JSON.stringify(frame.jsonrpc)}`;
    const itemId =
      frame.result!.id === undefined ? '' : `,"id":${JSON.stringify(frame.result!.id)}`;
    return `{"id":${JSON.stringify(frame.id)}${jsonrpc},"result":{"type":"data"${itemId},"data":${data.json}}}`;
  },
  decode(data: string | Buffer): unknown {
    if (typeof data !== 'string') throw new Error('Parley speaks JSON over text frames.');
    return JSON.parse(data);
  },
};
