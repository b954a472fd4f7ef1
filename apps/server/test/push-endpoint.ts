import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

/** A push the loopback push service received, decrypted and checked. */
export interface ReceivedPush {
  device: string;
  payload: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** The VAPID token's claims (its signature checked against `k`). */
  claims: { aud: string; exp: number; sub: string };
  /** The VAPID public key the server signed with (`k=` of the Authorization header). */
  vapidKey: string;
}

/**
 * A push service on the loopback interface, as browsers' push services behave: each device has
 * an endpoint; a POST to it must carry a VAPID token (RFC 8292) and a payload encrypted for the
 * device's keys (RFC 8291, aes128gcm). It decrypts what it gets with the device's private key,
 * as the browser would, and answers 201 — or what `respond` says for a device (410: gone).
 */
export async function startPushService() {
  const devices = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  const received: ReceivedPush[] = [];
  const failures: string[] = [];
  const responses = new Map<string, number>();
  const held = new Map<string, Promise<void>>();
  const requests = new Map<string, number>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const device = decodeURIComponent(req.url?.split('/').at(-1) ?? '');
      requests.set(device, (requests.get(device) ?? 0) + 1);
      const answer = () => {
        try {
          received.push(decrypt(device, req.headers, Buffer.concat(chunks)));
        } catch (error) {
          failures.push(`${device}: ${(error as Error).message}`);
        }
        res.writeHead(responses.get(device) ?? 201).end();
      };
      const hold = held.get(device);
      if (hold) void hold.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function decrypt(
    device: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): ReceivedPush {
    const keys = devices.get(device);
    if (!keys) throw new Error('unknown device');
    if (headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(headers.authorization ?? '');
    if (!match) throw new Error(`no VAPID authorization: ${headers.authorization}`);
    const [, token, vapidKey] = match as unknown as [string, string, string];
    const claims = checkVapid(token, vapidKey);
    const plain = ece.decrypt(body, {
      version: 'aes128gcm',
      privateKey: keys.ecdh,
      authSecret: keys.auth.toString('base64url'),
    });
    return {
      device,
      payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
      headers,
      claims,
      vapidKey,
    };
  }

  return {
    origin,
    received,
    failures,
    /** A new browser: its push subscription as `subscription.toJSON()` gives it. */
    device(name: string) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(name, { ecdh, auth });
      return {
        endpoint: `${origin}/push/${encodeURIComponent(name)}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: auth.toString('base64url'),
        },
      };
    },
    /** Answer this device's pushes with `status` from now on. */
    respond(name: string, status: number) {
      responses.set(name, status);
    },
    /** Hold this device's pushes unanswered until `release` resolves. */
    hold(name: string, release: Promise<void>) {
      held.set(name, release);
    },
    requestsFor: (name: string) => requests.get(name) ?? 0,
    pushesFor: (name: string) => received.filter((r) => r.device === name),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Checks an ES256 VAPID token against the public key it names; returns its claims. */
function checkVapid(token: string, publicKey: string): ReceivedPush['claims'] {
  const [header, claims, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new Error('the VAPID signature does not verify');
  return JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as ReceivedPush['claims'];
}
