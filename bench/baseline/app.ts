/**
 * The baseline `pnpm bench` compares Parley with: the chat server a careful tutorial builds with
 * Express, Socket.IO 4, jose and better-sqlite3. A socket authenticates with a JWT, joins its user's
 * room, and each message is one synchronous insert, then one emit to the recipient's and the
 * sender's rooms and an acknowledgement carrying the stored message.
 */
import { createServer } from 'node:http';
import express from 'express';
import { Server } from 'socket.io';
import { signToken, verifyPassword, verifyToken } from './auth.ts';
import type { ChatDatabase, Message } from './db.ts';

const MAX_TEXT = 4000;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export type SendAck = { status: 'ok'; message: Message } | { status: 'error'; error: string };

interface SendInput {
  to: string;
  text: string;
  clientMessageId: string;
}

function isSendInput(input: unknown): input is SendInput {
  const i = input as Partial<SendInput> | null;
  return (
    typeof i?.to === 'string' &&
    typeof i.text === 'string' &&
    i.text.length > 0 &&
    i.text.length <= MAX_TEXT &&
    typeof i.clientMessageId === 'string' &&
    CLIENT_ID.test(i.clientMessageId)
  );
}

export function createChatServer(db: ChatDatabase, jwtKey: Uint8Array) {
  const app = express();
  app.use(express.json());

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.post('/login', async (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const user = typeof username === 'string' ? db.findUser(username) : undefined;
    if (!user || typeof password !== 'string' || !verifyPassword(password, user.password_hash)) {
      res.status(401).json({ error: 'Wrong username or password.' });
      return;
    }
    res.json({ userId: user.id, token: await signToken(user.id, jwtKey) });
  });

  /** `GET /messages?with=<userId>&before=<ISO time>&limit=50`: a page of a conversation, newest first. */
  app.get('/messages', async (req, res) => {
    let me: string;
    try {
      me = await verifyToken(req.headers.authorization?.replace(/^Bearer /, ''), jwtKey);
    } catch {
      res.status(401).json({ error: 'Sign in first.' });
      return;
    }
    const peer = req.query.with;
    const before = typeof req.query.before === 'string' ? req.query.before : '9999';
    const limit = Math.min(100, Math.max(1, Number(req.query.limit) || 50));
    if (typeof peer !== 'string') {
      res.status(400).json({ error: 'Say whose conversation: ?with=<userId>.' });
      return;
    }
    res.json({ messages: db.history(me, peer, before, limit) });
  });

  const httpServer = createServer(app);
  const io = new Server(httpServer);

  io.use(async (socket, next) => {
    try {
      socket.data.userId = await verifyToken(socket.handshake.auth.token, jwtKey);
      next();
    } catch {
      next(new Error('unauthorized'));
    }
  });

  io.on('connection', (socket) => {
    const me = socket.data.userId as string;
    void socket.join(me);

    socket.on('message:send', (input: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (answer: SendAck) => void;
      if (!isSendInput(input) || input.to === me) {
        reply({ status: 'error', error: 'Invalid message.' });
        return;
      }
      let saved;
      try {
        saved = db.saveMessage({
          senderId: me,
          recipientId: input.to,
          text: input.text,
          clientMessageId: input.clientMessageId,
        });
      } catch {
        reply({ status: 'error', error: 'No such recipient.' });
        return;
      }
      // A retry gets the stored original; it was delivered when it was first stored.
      if (saved.created) io.to([input.to, me]).emit('message:new', saved.message);
      reply({ status: 'ok', message: saved.message });
    });
  });

  return { httpServer, io };
}
