import {
  addMembersInput,
  browseInput,
  conversationInput,
  createGroupInput,
  memberInput,
  membersInput,
  setRoleInput,
  updateGroupInput,
} from '../schemas.ts';
import { createRouter, protectedProcedure } from '../trpc.ts';

export const groupsRouter = createRouter({
  /** A group of mine with the people named (I am its owner). */
  create: protectedProcedure.input(createGroupInput).mutation(({ ctx, input }) =>
    ctx.services.groups.create(ctx.auth.user.id, {
      title: input.title,
      memberIds: input.memberIds,
      avatarId: input.avatarId ?? null,
      isPublic: input.isPublic,
    }),
  ),

  /** Rename, change or remove the picture, make public or private (admins and the owner). */
  update: protectedProcedure
    .input(updateGroupInput)
    .mutation(({ ctx, input }) => ctx.services.groups.update(ctx.auth.user.id, input)),

  addMembers: protectedProcedure
    .input(addMembersInput)
    .mutation(({ ctx, input }) => ctx.services.groups.addMembers(ctx.auth.user.id, input)),

  /** Admins remove members; the owner also removes admins. */
  removeMember: protectedProcedure
    .input(memberInput)
    .mutation(({ ctx, input }) => ctx.services.groups.removeMember(ctx.auth.user.id, input)),

  /** An owner who leaves hands the group to the longest-standing admin, else member. */
  leave: protectedProcedure
    .input(conversationInput)
    .mutation(({ ctx, input }) => ctx.services.groups.leave(ctx.auth.user.id, input)),

  /** The owner promotes, demotes, or hands the group over (`owner`). */
  setRole: protectedProcedure
    .input(setRoleInput)
    .mutation(({ ctx, input }) => ctx.services.groups.setRole(ctx.auth.user.id, input)),

  /** Current members with roles and presence, and how many are online. */
  members: protectedProcedure
    .input(membersInput)
    .query(({ ctx, input }) => ctx.services.groups.members(ctx.auth.user.id, input)),

  /** Public groups by title, largest first. */
  browse: protectedProcedure
    .input(browseInput)
    .query(({ ctx, input }) => ctx.services.groups.browse(ctx.auth.user.id, input)),

  /** Joins a public group. */
  join: protectedProcedure
    .input(conversationInput)
    .mutation(({ ctx, input }) => ctx.services.groups.join(ctx.auth.user.id, input)),
});
