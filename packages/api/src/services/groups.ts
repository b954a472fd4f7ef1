import {
  AttachmentUnavailableError,
  type GroupChange,
  type RolePolicy,
  type Store,
} from '@parley/db';
import { AppError } from '../errors.ts';
import type { AttachmentsService } from './attachments.ts';
import { explainRule } from './conversation-rules.ts';
import { toViews, type ConversationView } from './conversation-views.ts';
import type { EventHub } from './event-hub.ts';
import type { Presence } from './presence.ts';
import type { RateLimits } from './rate-limits.ts';
import type { PublicUser, UsersService } from './users.ts';

/** Who may do what in a group (the store checks it in the change's transaction). */
const POLICIES = {
  /** Admins add and remove members; the owner also admins. */
  manageMembers: { owner: ['admin', 'member'], admin: ['member'] },
  /** Admins and the owner rename, change the picture and the visibility. */
  edit: { owner: [], admin: [] },
  /** Only the owner promotes, demotes and hands the group over. */
  setRoles: { owner: ['admin', 'member'] },
} satisfies Record<string, RolePolicy>;

export interface MemberView {
  user: PublicUser;
  role: 'owner' | 'admin' | 'member';
  joinedAt: Date;
}

type ChangeOf<T extends GroupChange['type']> = Omit<
  Extract<GroupChange, { type: T }>,
  'type' | 'actorId' | 'policy'
>;

export function createGroupsService(deps: {
  store: Store;
  hub: EventHub;
  limits: RateLimits;
  users: UsersService;
  presence: Presence;
  attachments: AttachmentsService;
  /** The member cap of every group (GROUP_MAX_MEMBERS). */
  maxMembers: number;
  now: () => Date;
}) {
  const { store, hub, limits, users, maxMembers, now } = deps;
  const full = {
    full: ['CONFLICT', `A group can have at most ${maxMembers} members.`] as ['CONFLICT', string],
  };

  async function view(me: string, conversationId: string): Promise<ConversationView> {
    const summary = await store.getConversationSummary(me, conversationId);
    if (!summary) throw new AppError('NOT_FOUND', 'That group does not exist.');
    const [shown] = await toViews(users, me, [summary], now());
    return shown!;
  }

  /** Applies a change as `me`, publishes what it wrote, and answers the group as `me` sees it now. */
  async function change(me: string, changed: GroupChange): Promise<ConversationView> {
    await limits.consume('groupChange', me, 'You are changing groups too fast.');
    let result;
    try {
      result = await store.changeGroup({ change: changed, maxMembers, at: now() });
    } catch (error) {
      if (error instanceof AttachmentUnavailableError)
        return deps.attachments.explain(me, error, 'group');
      explainRule(error, full);
    }
    hub.publish(result.events);
    return view(me, result.conversation.id);
  }

  /** Nobody who blocked me can be put in a group by me. */
  async function requireAddable(me: string, userIds: string[]): Promise<void> {
    const { blockedBy } = await store.blockRelations(me, userIds);
    if (blockedBy.length > 0)
      throw new AppError('FORBIDDEN', 'You cannot add some of these people to a group.');
  }

  return {
    async create(me: string, input: ChangeOf<'create'>) {
      await requireAddable(me, input.memberIds);
      return change(me, { type: 'create', actorId: me, ...input });
    },

    update: (me: string, input: ChangeOf<'update'>) =>
      change(me, { type: 'update', actorId: me, policy: POLICIES.edit, ...input }),

    async addMembers(me: string, input: ChangeOf<'add'>) {
      await requireAddable(me, input.userIds);
      return change(me, { type: 'add', actorId: me, policy: POLICIES.manageMembers, ...input });
    },

    removeMember(me: string, input: ChangeOf<'remove'>) {
      if (input.userId === me)
        throw new AppError(
          'BAD_REQUEST',
          'To leave a group, use leave rather than removing yourself.',
        );
      return change(me, { type: 'remove', actorId: me, policy: POLICIES.manageMembers, ...input });
    },

    leave: (me: string, input: ChangeOf<'leave'>) =>
      change(me, { type: 'leave', actorId: me, ...input }),

    join: (me: string, input: ChangeOf<'join'>) =>
      change(me, { type: 'join', actorId: me, ...input }),

    setRole(me: string, input: ChangeOf<'setRole'>) {
      if (input.userId === me)
        throw new AppError('BAD_REQUEST', 'You cannot change your own role.');
      return change(me, { type: 'setRole', actorId: me, policy: POLICIES.setRoles, ...input });
    },

    /** Current members (owner, admins, then by joining) with presence, for current members only. */
    async members(
      me: string,
      input: { conversationId: string; cursor?: string | null | undefined; limit: number },
    ) {
      const [conversation, membership] = await Promise.all([
        store.getConversation(input.conversationId),
        store.getMembership(input.conversationId, me),
      ]);
      if (!conversation || conversation.kind !== 'group' || !membership)
        throw new AppError('NOT_FOUND', 'That group does not exist, or you are not in it.');
      if (membership.leftAt !== null)
        throw new AppError('FORBIDDEN', 'You are no longer a member of this group.');
      const page = await store.listMembers({
        conversationId: input.conversationId,
        limit: input.limit,
        cursor: input.cursor ?? null,
      });
      const people = new Map(
        (
          await users.get(
            me,
            page.items.map((m) => m.userId),
          )
        ).map((u) => [u.id, u]),
      );
      const items: MemberView[] = page.items.flatMap((m) => {
        const user = people.get(m.userId);
        return user ? [{ user, role: m.role, joinedAt: m.joinedAt }] : [];
      });
      return {
        items,
        nextCursor: page.nextCursor,
        onlineCount: await onlineCount(input.conversationId),
      };
    },

    /** Public groups whose title has a word starting with `q` (all when empty), largest first. */
    async browse(
      me: string,
      input: { q?: string | undefined; cursor?: string | null | undefined; limit: number },
    ) {
      const page = await store.listPublicGroups({
        userId: me,
        query: input.q ?? '',
        limit: input.limit,
        cursor: input.cursor ?? null,
      });
      return {
        items: page.items.map(({ conversation, isMember }) => ({
          id: conversation.id,
          title: conversation.title ?? '',
          avatarId: conversation.avatarId,
          memberCount: conversation.memberCount,
          lastMessageAt: conversation.lastMessageAt,
          isMember,
        })),
        nextCursor: page.nextCursor,
      };
    },
  };

  /** How many current members are online (every member, page by page). */
  async function onlineCount(conversationId: string): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page = await store.listMembers({ conversationId, limit: 1000, cursor });
      count += (await deps.presence.onlineAmong(page.items.map((m) => m.userId))).size;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }
}

export type GroupsService = ReturnType<typeof createGroupsService>;
