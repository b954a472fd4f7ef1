import type { SystemEvent } from '../lib/protocol.ts';

/** The people a system line names, its actor included. */
export function systemUserIds(system: SystemEvent | null): string[] {
  if (!system) return [];
  switch (system.action) {
    case 'created':
    case 'added':
      return [system.actorId, ...system.userIds];
    case 'removed':
    case 'role':
      return [system.actorId, system.userId];
    case 'left':
      return system.newOwnerId ? [system.actorId, system.newOwnerId] : [system.actorId];
    default:
      return [system.actorId];
  }
}

/** "Bob", "Bob and Cy", "Bob, Cy and Dan", "Bob, Cy and 3 others". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/**
 * A group change as the timeline says it: "Alice added Bob", "You left", "Alice made you an
 * admin". `nameOf` gives a display name for an id (something readable while it loads).
 */
export function describeSystem(
  system: SystemEvent,
  nameOf: (userId: string) => string,
  me: string,
): string {
  const subject = (id: string) => (id === me ? 'You' : nameOf(id));
  const object = (id: string) => (id === me ? 'you' : nameOf(id));
  const actor = subject(system.actorId);
  switch (system.action) {
    case 'created':
      return `${actor} created the group “${system.title}”`;
    case 'added':
      return `${actor} added ${listNames(system.userIds.map(object))}`;
    case 'removed':
      return `${actor} removed ${object(system.userId)}`;
    case 'joined':
      return `${actor} joined`;
    case 'left': {
      if (!system.newOwnerId) return `${actor} left`;
      const owner = system.newOwnerId === me ? 'you are' : `${nameOf(system.newOwnerId)} is`;
      return `${actor} left; ${owner} now the owner`;
    }
    case 'role': {
      const role =
        system.role === 'owner' ? 'the owner' : system.role === 'admin' ? 'an admin' : 'a member';
      return `${actor} made ${object(system.userId)} ${role}`;
    }
    case 'updated': {
      const changes: string[] = [];
      if (system.title !== undefined) changes.push(`renamed the group to “${system.title}”`);
      if (system.avatarId !== undefined)
        changes.push(system.avatarId ? 'changed the group picture' : 'removed the group picture');
      if (system.isPublic !== undefined)
        changes.push(system.isPublic ? 'made the group public' : 'made the group private');
      return `${actor} ${listNames(changes) || 'changed the group'}`;
    }
  }
}
