import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { VapidKeys } from './push.ts';

/**
 * Encrypting a push (RFC 8291: a fresh ECDH key pair and secret per message), signing its VAPID
 * token (ES256) and the request itself cost about a millisecond of CPU each: nineteen of them
 * for one group message would take the event loop from the sends. This thread does them, with
 * `web-push`, and answers each with the push service's status (null: no answer).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const webPush = require(workerData.webPush);
parentPort.on('message', async (push) => {
  if (push === 'stop') return parentPort.close();
  let status = null;
  try {
    const request = webPush.generateRequestDetails(
      { endpoint: push.endpoint, keys: { p256dh: push.p256dh, auth: push.auth } },
      push.payload,
      { vapidDetails: workerData.vapid, TTL: workerData.ttlSeconds, urgency: 'high', topic: push.topic },
    );
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(workerData.timeoutMs),
    });
    status = response.status;
    await response.body?.cancel();
  } catch {
    // Keys that are not a P-256 point, a push service that does not answer: no status.
  }
  parentPort.postMessage({ id: push.id, status });
});
`;

export interface OutgoingPush {
  endpoint: string;
  p256dh: string;
  auth: string;
  payload: string;
  /** Pushes of one topic replace each other at the push service while undelivered. */
  topic: string;
}

/** The thread that sends pushes, started with the first one. */
export function createPushSender(opts: {
  vapid: VapidKeys;
  ttlSeconds: number;
  timeoutMs: number;
}) {
  let worker: Worker | null = null;
  let nextId = 0;
  const waiting = new Map<number, (status: number | null) => void>();

  function start(): Worker {
    const thread = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        webPush: createRequire(import.meta.url).resolve('web-push'),
        vapid: opts.vapid,
        ttlSeconds: opts.ttlSeconds,
        timeoutMs: opts.timeoutMs,
      },
    });
    thread.unref();
    thread.on('message', ({ id, status }: { id: number; status: number | null }) => {
      waiting.get(id)?.(status);
      waiting.delete(id);
    });
    thread.on('exit', () => {
      worker = null;
      for (const resolve of waiting.values()) resolve(null);
      waiting.clear();
    });
    thread.on('error', () => undefined);
    return thread;
  }

  return {
    /** Sends one push; resolves with the push service's HTTP status, or null without one. */
    send(push: OutgoingPush): Promise<number | null> {
      worker ??= start();
      const id = (nextId += 1);
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker!.postMessage({ id, ...push });
      });
    },

    async stop(): Promise<void> {
      const thread = worker;
      if (!thread) return;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage('stop');
      await exited;
    },
  };
}
