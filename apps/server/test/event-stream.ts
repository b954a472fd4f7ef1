import superjson from 'superjson';

/** One Server-Sent Event as the server wrote it. */
export interface StreamEvent {
  event: string;
  id: string | null;
  data: string;
}

/**
 * A raw `GET /trpc/<path>` event stream read with fetch alone (no tRPC client): `next()` gives the
 * next event (pings included) or null when the stream ended, `close()` drops the connection.
 */
export async function openEventStream(
  url: string,
  path: string,
  opts: {
    input?: unknown;
    token?: string | undefined;
    headers?: Record<string, string>;
    connectionParams?: Record<string, string>;
  } = {},
) {
  const query = new URLSearchParams();
  if (opts.input !== undefined) query.set('input', JSON.stringify(superjson.serialize(opts.input)));
  if (opts.connectionParams) query.set('connectionParams', JSON.stringify(opts.connectionParams));
  const abort = new AbortController();
  const response = await fetch(`${url}/trpc/${path}?${query}`, {
    headers: {
      accept: 'text/event-stream',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let ended = false;

  async function next(): Promise<StreamEvent | null> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: StreamEvent = { event: 'message', id: null, data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon === 0) continue;
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event.event = value;
          else if (field === 'id') event.id = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length === 0 && event.id === null && event.event === 'message') continue;
        event.data = data.join('\n');
        return event;
      }
      if (ended) return null;
      try {
        const chunk = await reader.read();
        if (chunk.done) ended = true;
        else buffer += chunk.value;
      } catch {
        ended = true;
      }
    }
  }

  return {
    response,
    next,
    /**
     * The `chat.events` items up to and including `ready` (or `until`), or the error the stream
     * answered with: `{ error: { code, message } }`.
     */
    async collect(
      until: (data: { type: string }) => boolean = (d) => d.type === 'ready',
      timeoutMs = 5000,
    ): Promise<
      | { items: Array<{ id: string | null; data: { type: string } & Record<string, unknown> }> }
      | { error: { code: string; message: string } }
    > {
      const items: Array<{ id: string | null; data: { type: string } & Record<string, unknown> }> =
        [];
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        for (;;) {
          const event = await next();
          if (!event) throw new Error(`the stream ended after ${items.length} items`);
          if (event.event === 'serialized-error') {
            const shape = superjson.deserialize<{ message: string; data: { code: string } }>(
              JSON.parse(event.data),
            );
            return { error: { code: shape.data.code, message: shape.message } };
          }
          if (event.event !== 'message') continue;
          const data = superjson.deserialize<{ type: string } & Record<string, unknown>>(
            JSON.parse(event.data),
          );
          items.push({ id: event.id, data });
          if (until(data)) return { items };
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      abort.abort();
    },
  };
}
