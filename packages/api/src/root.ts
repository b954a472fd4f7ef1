import { authRouter } from './routers/auth.ts';
import { chatRouter } from './routers/chat.ts';
import { usersRouter } from './routers/users.ts';
import { createRouter } from './trpc.ts';

export const appRouter = createRouter({
  auth: authRouter,
  users: usersRouter,
  chat: chatRouter,
});

/** The router's type: import it to get a fully typed client. */
export type AppRouter = typeof appRouter;
