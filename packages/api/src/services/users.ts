import type { LastSeenVisibility, Store, User } from '@parley/db';
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

/** What a person shows of themselves when they change their profile: no presence. */
export type Profile = Omit<PublicUser, 'online' | 'lastSeenAt'>;

/** Whether a last-seen choice lets someone see (or, symmetrically, be seen by) another. */
export function allows(choice: LastSeenVisibility, contacts: boolean): boolean {
  return choice === 'everyone' || (choice === 'contacts' && contacts);
}

/** Users are never deleted, so an id once found stays valid; the set is bounded all the same. */
const MAX_REMEMBERED_IDS = 100_000;

export function createUsersService(deps: {
  store: Store;
  presence: Presence;
  attachments: AttachmentsService;
  /** Tells the people I share conversations with that my profile changed. */
  announce: (userId: string, profile: Profile) => Promise<void>;
}) {
  const { store, presence, attachments } = deps;
  const existing = new Set<string>();

  async function requireUser(id: string): Promise<User> {
    const user = await store.getUser(id);
    if (!user) throw new AppError('NOT_FOUND', 'That user does not exist.');
    return user;
  }

  /**
   * What `viewer` may see of each person: presence and last seen show only where both choices
   * allow it (symmetric: hiding mine hides everyone's from me; "contacts" are the people one
   * shares a conversation of two with), and never to someone the person blocked, who also does
   * not see their picture.
   */
  async function visibility(viewer: string, ids: string[]) {
    const [online, settings, relations, contacts] = await Promise.all([
      presence.onlineAmong(ids),
      store.getSettings([viewer, ...ids]),
      store.blockRelations(viewer, ids),
      store.listPeerIds(viewer, 2),
    ]);
    const mine = settings[0]!.lastSeen;
    const blockedMe = new Set(relations.blockedBy);
    const contact = new Set(contacts);
    return new Map(
      ids.map((id, i) => {
        const isContact = contact.has(id);
        const shown =
          id === viewer ||
          (!blockedMe.has(id) &&
            allows(settings[i + 1]!.lastSeen, isContact) &&
            allows(mine, isContact));
        return [id, { shown, online: shown && online.has(id), blockedMe: blockedMe.has(id) }];
      }),
    );
  }

  async function withPresence(viewer: string, users: User[]): Promise<PublicUser[]> {
    if (users.length === 0) return [];
    const seen = await visibility(
      viewer,
      users.map((u) => u.id),
    );
    return users.map((u) => {
      const { shown, online, blockedMe } = seen.get(u.id)!;
      return {
        ...profileOf(u),
        avatarId: blockedMe ? null : u.avatarId,
        online,
        lastSeenAt: shown ? u.lastSeenAt : null,
      };
    });
  }

  return {
    withPresence,

    /** Of `ids`, who is online as `viewer` may see it. */
    async onlineFor(viewer: string, ids: string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const seen = await visibility(viewer, ids);
      return ids.filter((id) => seen.get(id)!.online);
    },

    /** People by id, with presence as `viewer` may see it (unknown ids are left out). */
    async get(viewer: string, ids: string[]): Promise<PublicUser[]> {
      return ids.length === 0 ? [] : withPresence(viewer, await store.getUsers([...new Set(ids)]));
    },

    async list(me: string, page: { limit: number; cursor?: string | null | undefined }) {
      const result = await store.listUsers({
        excludeId: me,
        limit: page.limit,
        cursor: page.cursor ?? null,
      });
      return { items: await withPresence(me, result.items), nextCursor: result.nextCursor };
    },

    async search(me: string, query: { q: string; limit: number }) {
      return withPresence(
        me,
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
      await deps.announce(me, profileOf(user));
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

function profileOf(user: User): Profile {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    bio: user.bio,
    avatarId: user.avatarId,
  };
}
