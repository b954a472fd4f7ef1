import type { Store, User } from '@parley/db';
import { AppError } from '../errors.ts';
import type { AttachmentsService } from './attachments.ts';
import type { Presence } from './presence.ts';

/** A user as other people see them: no email. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  avatarId: string | null;
  online: boolean;
  lastSeenAt: Date | null;
}

/** Users are never deleted, so an id once found stays valid; the set is bounded all the same. */
const MAX_REMEMBERED_IDS = 100_000;

export function createUsersService(deps: {
  store: Store;
  presence: Presence;
  attachments: AttachmentsService;
}) {
  const { store, presence, attachments } = deps;
  const existing = new Set<string>();

  async function requireUser(id: string): Promise<User> {
    const user = await store.getUser(id);
    if (!user) throw new AppError('NOT_FOUND', 'That user does not exist.');
    return user;
  }

  async function withPresence(users: User[]): Promise<PublicUser[]> {
    const online = await presence.onlineAmong(users.map((u) => u.id));
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      bio: u.bio,
      avatarId: u.avatarId,
      online: online.has(u.id),
      lastSeenAt: u.lastSeenAt,
    }));
  }

  return {
    withPresence,

    async list(me: string, page: { limit: number; cursor?: string | null | undefined }) {
      const result = await store.listUsers({
        excludeId: me,
        limit: page.limit,
        cursor: page.cursor ?? null,
      });
      return { items: await withPresence(result.items), nextCursor: result.nextCursor };
    },

    async search(me: string, query: { q: string; limit: number }) {
      return withPresence(
        await store.searchUsers({
          query: query.q.toLowerCase(),
          excludeId: me,
          limit: query.limit,
        }),
      );
    },

    /** `avatarId`: one of my uploads not sent in a message (null removes the picture); it is set first. */
    async updateProfile(
      me: string,
      patch: {
        displayName?: string | undefined;
        bio?: string | undefined;
        avatarId?: string | null | undefined;
      },
    ) {
      const { avatarId, ...fields } = patch;
      let user = avatarId === undefined ? null : await attachments.setAvatar(me, avatarId);
      if (fields.displayName !== undefined || fields.bio !== undefined || !user) {
        user = await store.updateProfile(me, fields);
      }
      if (!user) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
      return user;
    },

    requireUser,

    /** Like requireUser when only existence matters: answered from memory for ids seen before. */
    async requireExists(id: string): Promise<void> {
      if (existing.has(id)) return;
      await requireUser(id);
      if (existing.size >= MAX_REMEMBERED_IDS) existing.clear();
      existing.add(id);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
