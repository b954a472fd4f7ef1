import { reconnectDelayMs } from './backoff.ts';

type Headers = Record<string, string>;

/** How a `FetchEventSource` connects: headers (or a function giving fresh ones for every connection). */
export interface FetchEventSourceInit {
  headers?: Headers | (() => Headers | Promise<Headers>);
  /** Browsers: send cookies cross-origin. */
  withCredentials?: boolean;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/**
 * An `EventSource` built on `fetch`, for tRPC's `httpSubscriptionLink` where there is none (Node
 * before 24 has no global EventSource) or where headers are needed (a browser's EventSource
 * cannot send `Authorization`). It follows the standard's processing model: events, `id` (sent
 * back as `Last-Event-ID` when it reconnects), `retry`; it reconnects after a dropped connection
 * (with backoff: 0.5 s doubling to 30 s, with jitter) and gives up, as the standard says, on an
 * answer that is not a `200 text/event-stream`.
 */
export class FetchEventSource extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSED = CLOSED;
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSED = CLOSED;

  readonly url: string;
  readonly withCredentials: boolean;
  readyState: number = CONNECTING;
  readonly #init: FetchEventSourceInit;
  readonly #abort = new AbortController();
  #lastEventId = '';
  #retryMs: number | null = null;

  constructor(url: string | URL, init: FetchEventSourceInit = {}) {
    super();
    this.url = String(url);
    this.#init = init;
    this.withCredentials = init.withCredentials ?? false;
    void this.#run();
  }

  close(): void {
    this.readyState = CLOSED;
    this.#abort.abort();
  }

  async #run() {
    for (let attempt = 0; this.readyState !== CLOSED; attempt++) {
      let response: Response;
      try {
        const given = this.#init.headers;
        const headers: Headers = {
          accept: 'text/event-stream',
          'cache-control': 'no-cache',
          ...(typeof given === 'function' ? await given() : given),
        };
        if (this.#lastEventId) headers['last-event-id'] = this.#lastEventId;
        response = await fetch(this.url, {
          headers,
          credentials: this.withCredentials ? 'include' : 'same-origin',
          signal: this.#abort.signal,
        });
      } catch {
        if (!(await this.#reconnectAfter(attempt))) return;
        continue;
      }
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
        // Not an event stream: fail for good (the standard's "fail the connection").
        void response.body?.cancel().catch(() => undefined);
        this.readyState = CLOSED;
        this.dispatchEvent(new Event('error'));
        return;
      }
      this.readyState = OPEN;
      attempt = -1;
      this.dispatchEvent(new Event('open'));
      try {
        await this.#read(response.body);
      } catch {
        // A dropped connection: reconnect below.
      }
      if (!(await this.#reconnectAfter(0))) return;
    }
  }

  /** Announces the reconnect and waits; false once closed. */
  async #reconnectAfter(attempt: number): Promise<boolean> {
    if (this.readyState === CLOSED) return false;
    this.readyState = CONNECTING;
    this.dispatchEvent(new Event('error'));
    if (this.readyState === CLOSED) return false;
    const delay = this.#retryMs ?? reconnectDelayMs(attempt);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.#abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    return this.readyState !== CLOSED;
  }

  async #read(body: ReadableStream<Uint8Array>) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data: string[] = [];
    let event = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.readyState === CLOSED) return;
        buffer += value;
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '') {
            if (data.length > 0) {
              this.dispatchEvent(
                new MessageEvent(event || 'message', {
                  data: data.join('\n'),
                  lastEventId: this.#lastEventId,
                  origin: new URL(this.url).origin,
                }),
              );
            }
            data = [];
            event = '';
            if (this.readyState === CLOSED) return;
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') data.push(text);
          else if (field === 'event') event = text;
          else if (field === 'id' && !text.includes('\0')) this.#lastEventId = text;
          else if (field === 'retry' && /^\d+$/.test(text)) this.#retryMs = Number(text);
        }
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }
}
