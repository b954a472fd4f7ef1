import type { Store } from '@parley/db';

/**
 * Counts live sockets per user. The default lives in this process; the scale-out setup
 * passes one shared by every process.
 */
export interface PresenceRegistry {
  /** Counts one more socket; true when the user just came online. */
  connect(userId: string): Promise<boolean>;
  /** Counts one socket less; true when the user just went offline. */
  disconnect(userId: string): Promise<boolean>;
  onlineAmong(userIds: string[]): Promise<Set<string>>;
  /**
   * Shared registries notice changes no connect/disconnect here reported (a crashed process's
   * users expiring): they hand them to this listener, which announces them.
   */
  onChange?(
    listener: (change: { userId: string; online: boolean; at: Date }) => Promise<void>,
  ): void;
}

export function createLocalPresenceRegistry(): PresenceRegistry {
  const sockets = new Map<string, number>();
  return {
    async connect(userId) {
      const count = (sockets.get(userId) ?? 0) + 1;
      sockets.set(userId, count);
      return count === 1;
    },
    async disconnect(userId) {
      const count = (sockets.get(userId) ?? 0) - 1;
      if (count > 0) {
        sockets.set(userId, count);
        return false;
      }
      return sockets.delete(userId);
    },
    async onlineAmong(userIds) {
      return new Set(userIds.filter((id) => sockets.has(id)));
    },
  };
}

/**
 * Tells the people a user shares conversations with (small enough ones: see `announce`) when
 * they come online and when they leave (with last seen).
 */
export function createPresence(deps: {
  store: Pick<Store, 'setLastSeen'>;
  registry: PresenceRegistry;
  now: () => Date;
  /** Publishes the change once, to the user's conversations. */
  announce: (
    userId: string,
    data: { type: 'presence'; userId: string; online: boolean; lastSeenAt: Date | null },
  ) => Promise<void>;
}) {
  const { store, registry } = deps;

  const announce = (userId: string, online: boolean, lastSeenAt: Date | null) =>
    deps.announce(userId, { type: 'presence', userId, online, lastSeenAt });

  registry.onChange?.(async ({ userId, online, at }) => {
    if (online) return announce(userId, true, null);
    await store.setLastSeen(userId, at);
    await announce(userId, false, at);
  });

  return {
    async connected(userId: string): Promise<void> {
      if (await registry.connect(userId)) await announce(userId, true, null);
    },
    async disconnected(userId: string): Promise<void> {
      if (!(await registry.disconnect(userId))) return;
      const at = deps.now();
      await store.setLastSeen(userId, at);
      await announce(userId, false, at);
    },
    onlineAmong: (userIds: string[]) => registry.onlineAmong(userIds),
  };
}

export type Presence = ReturnType<typeof createPresence>;
