import { tracked, type TRPCSubscriptionProcedure } from '@trpc/server';
import type { ChatEventItem } from '../events.ts';
import {
  conversationInput,
  deleteInput,
  editInput,
  eventsInput,
  forwardInput,
  historyInput,
  messageInput,
  messageSearchInput,
  organiseInput,
  pageInput,
  pinInput,
  reactInput,
  receiptInput,
  sendInput,
  typingInput,
} from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

/**
 * My ordered event stream, resuming after `lastEventId`. Typed by hand so that its type names
 * only public types (tRPC infers its items as an internal `TrackedData`, which a declaration
 * file cannot name).
 */
const events: TRPCSubscriptionProcedure<{
  input: { lastEventId?: string | null | undefined } | undefined;
  output: AsyncIterable<ChatEventItem, void, unknown>;
  meta: object;
}> = protectedProcedure
  .input(eventsInput)
  .subscription(({ ctx, input, signal }) =>
    ctx.services.events(
      ctx.auth.user,
      input?.lastEventId ? Number(input.lastEventId) : null,
      signal ?? new AbortController().signal,
      tracked,
    ),
  );

export const chatRouter = createRouter({
  /** My conversations (including those I left), latest activity first. */
  conversations: protectedProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.chat.conversations(ctx.auth.user.id, input)),

  /** One of my conversations, as the list shows it. */
  conversation: protectedProcedure
    .input(conversationInput)
    .query(({ ctx, input }) =>
      ctx.services.chat.conversation(ctx.auth.user.id, input.conversationId),
    ),

  /** Messages I may see, oldest first, paging both ways from the newest or around a message. */
  history: protectedProcedure
    .input(historyInput)
    .query(({ ctx, input }) => ctx.services.chat.history(ctx.auth.user.id, input)),

  /** To `conversationId`, or `to` a user (opening our direct conversation); idempotent on clientMessageId. */
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

  /** Who one of my messages was delivered to and read by, and when. */
  messageInfo: protectedProcedure
    .input(messageInput)
    .query(({ ctx, input }) => ctx.services.chat.messageInfo(ctx.auth.user.id, input)),

  /** Changes the text of one of my messages (within MESSAGE_EDIT_WINDOW_HOURS of sending it). */
  edit: protectedProcedure
    .input(editInput)
    .mutation(({ ctx, input }) => ctx.services.actions.edit(ctx.auth.user.id, input)),

  /** For everyone (mine in time, or any as a group's admin: a tombstone), or only for me. */
  delete: protectedProcedure
    .input(deleteInput)
    .mutation(({ ctx, input }) => ctx.services.actions.delete(ctx.auth.user.id, input)),

  /** Adds (`on`) or takes back my reaction with one emoji. */
  react: protectedProcedure
    .input(reactInput)
    .mutation(({ ctx, input }) => ctx.services.actions.react(ctx.auth.user.id, input)),

  /** Copies a message I may see into conversations I am in, marked forwarded. */
  forward: protectedProcedure
    .input(forwardInput)
    .mutation(({ ctx, input }) => ctx.services.actions.forward(ctx.auth.user.id, input)),

  /** Pins a message in its conversation, or unpins it. */
  pin: protectedProcedure
    .input(pinInput)
    .mutation(({ ctx, input }) => ctx.services.actions.pin(ctx.auth.user.id, input)),

  /** The conversation's pinned messages I may see, most recently pinned first. */
  pinned: protectedProcedure
    .input(conversationInput)
    .query(({ ctx, input }) => ctx.services.actions.pinned(ctx.auth.user.id, input.conversationId)),

  /** Messages I may read matching `q` (all my conversations, or one), newest first, with snippets. */
  search: protectedProcedure
    .input(messageSearchInput)
    .query(({ ctx, input }) => ctx.services.search.search(ctx.auth.user.id, input)),

  /** Mute (8 h, a week, always; null unmutes), pin, archive or mark unread one of my conversations. */
  organise: protectedProcedure
    .input(organiseInput)
    .mutation(({ ctx, input }) => ctx.services.organise.organise(ctx.auth.user.id, input)),

  /** My ordered event stream; resumes after `lastEventId` with no gap and no duplicate. */
  events,
});
