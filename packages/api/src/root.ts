import { adminRouter } from './routers/admin.ts';
import { authRouter } from './routers/auth.ts';
import { chatRouter } from './routers/chat.ts';
import { groupsRouter } from './routers/groups.ts';
import { linkPreviewsRouter } from './routers/link-previews.ts';
import { notificationsRouter } from './routers/notifications.ts';
import { usersRouter } from './routers/users.ts';
import { createRouter } from './trpc.ts';

export const appRouter = createRouter({
  auth: authRouter,
  users: usersRouter,
  chat: chatRouter,
  groups: groupsRouter,
  notifications: notificationsRouter,
  admin: adminRouter,
  linkPreviews: linkPreviewsRouter,
});

/** The router's type: import it to get a fully typed client. */
export type AppRouter = typeof appRouter;
