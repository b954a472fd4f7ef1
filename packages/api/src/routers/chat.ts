import { tracked } from '@trpc/server';
import {
  eventsInput,
  historyInput,
  pageInput,
  receiptInput,
  sendInput,
  typingInput,
} from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

export const chatRouter = createRouter({
  conversations: protectedProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.chat.conversations(ctx.auth.user.id, input)),

  history: protectedProcedure
    .input(historyInput)
    .query(({ ctx, input }) => ctx.services.chat.history(ctx.auth.user.id, input)),

  send: protectedProcedure
    .input(sendInput)
    .mutation(({ ctx, input }) => ctx.services.chat.send(ctx.auth.user.id, input)),

  ackDelivered: protectedProcedure
    .input(receiptInput)
    .mutation(({ ctx, input }) => ctx.services.chat.ackDelivered(ctx.auth.user.id, input)),

  markRead: protectedProcedure
    .input(receiptInput)
    .mutation(({ ctx, input }) => ctx.services.chat.markRead(ctx.auth.user.id, input)),

  typing: protectedProcedure.input(typingInput).mutation(async ({ ctx, input }) => {
    await ctx.services.chat.typing(ctx.auth.user.id, input);
    return { ok: true as const };
  }),

  /** My ordered event stream; resumes after `lastEventId` with no gap and no duplicate. */
  events: protectedProcedure.input(eventsInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const lastEventId = input?.lastEventId ? Number(input.lastEventId) : null;
    const stream = ctx.services.events(
      ctx.auth.user,
      lastEventId,
      signal ?? new AbortController().signal,
    );
    for await (const item of stream) yield tracked(String(item.id), item.data);
  }),
});
