/**
 * Starts the baseline chat server: `DATABASE_FILE=… JWT_SECRET=… [PORT=3001] [HOST=127.0.0.1]
 * node --import tsx bench/baseline/main.ts`. SIGTERM closes every socket, then the database.
 */
import { createChatServer } from './app.ts';
import { secretKey } from './auth.ts';
import { openDatabase } from './db.ts';

const { DATABASE_FILE, JWT_SECRET, PORT = '3001', HOST = '127.0.0.1' } = process.env;
if (!DATABASE_FILE) throw new Error('DATABASE_FILE is required (the SQLite file to use).');
if (!JWT_SECRET || JWT_SECRET.length < 32)
  throw new Error('JWT_SECRET is required, at least 32 characters.');

const db = openDatabase(DATABASE_FILE);
const { httpServer, io } = createChatServer(db, secretKey(JWT_SECRET));

// The backlog Parley's server listens with, so a burst of reconnects is not a test of Node's 511.
httpServer.listen({ port: Number(PORT), host: HOST, backlog: 4096 });

process.once('SIGTERM', () => {
  void io.close(() => {
    db.close();
    process.exit(0);
  });
});
