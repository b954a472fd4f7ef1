import { pushEndpointInput, pushSubscribeInput } from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

export const notificationsRouter = createRouter({
  /** The server's VAPID public key: pass it as `applicationServerKey` to `pushManager.subscribe`. */
  publicKey: protectedProcedure.query(({ ctx }) => ctx.services.notifications.publicKey()),

  /** Web Push for this device (what `subscription.toJSON()` gives), until it unsubscribes or signs out. */
  subscribe: protectedProcedure
    .input(pushSubscribeInput)
    .mutation(({ ctx, input }) =>
      ctx.services.notifications.subscribe(
        { userId: ctx.auth.user.id, sessionId: ctx.auth.session.id },
        input,
      ),
    ),

  /** No more Web Push for this device. */
  unsubscribe: protectedProcedure
    .input(pushEndpointInput)
    .mutation(({ ctx, input }) => ctx.services.notifications.unsubscribe(ctx.auth.user.id, input)),
});
