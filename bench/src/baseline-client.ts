/**
 * The baseline's protocol (bench/baseline) through `socket.io-client`: one socket per user,
 * authenticated by its token, `message:send` with an acknowledgement, `message:new` pushed.
 */
import { io, type Socket } from 'socket.io-client';
import type WebSocket from 'ws';
import type { SendAck } from '../baseline/app.ts';
import type { Message } from '../baseline/db.ts';
import type { LoadProtocol } from './load-client.ts';

interface ServerEvents {
  'message:new': (message: Message) => void;
}
interface ClientEvents {
  'message:send': (
    input: { to: string; text: string; clientMessageId: string },
    ack: (answer: SendAck) => void,
  ) => void;
}

/** An acknowledgement lost with its connection never comes: the send is retried after this. */
const ACK_TIMEOUT_MS = 30_000;

export const baselineProtocol: LoadProtocol = {
  connect(url, user, events) {
    const socket: Socket<ServerEvents, ClientEvents> = io(url, {
      // One connection per user (socket.io-client would otherwise share one per URL).
      forceNew: true,
      transports: ['websocket'],
      auth: { token: user.token },
      // Parley's client waits 250–500 ms before its first reconnect; the same here.
      reconnectionDelay: 375,
      randomizationFactor: 1 / 3,
      reconnectionDelayMax: 30_000,
    });
    socket.on('connect', () => events.ready());
    socket.on('connect_error', (error) => events.error(error));
    socket.on('message:new', (message) => events.message(message));
    return {
      async send(to, text, clientMessageId) {
        const ack = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('message:send', { to: to.id, text, clientMessageId });
        if (ack.status !== 'ok') throw new Error(ack.error);
        return ack.message.id;
      },
      drop() {
        (socket.io.engine.transport as unknown as { ws?: WebSocket }).ws?.terminate();
      },
      async close() {
        socket.disconnect();
      },
    };
  },
  errorCode(error) {
    return error instanceof Error ? error.message.slice(0, 60) : String(error).slice(0, 60);
  },
  async login(url, login, password) {
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: login, password }),
    });
    if (!res.ok) throw new Error(`login refused (${res.status})`);
  },
};
