import type { MembershipChange, MembershipPeriod, SystemEvent } from './types.ts';

/** Who a system message makes a member (`joined`) and who it ends the membership of (`left`). */
export function membershipDelta(system: SystemEvent | null): MembershipChange | null {
  switch (system?.action) {
    case 'created':
      return { joined: [system.actorId, ...system.userIds], left: [] };
    case 'added':
      return { joined: system.userIds, left: [] };
    case 'joined':
      return { joined: [system.actorId], left: [] };
    case 'removed':
      return { joined: [], left: [system.userId] };
    case 'left':
      return { joined: [], left: [system.actorId] };
    default:
      return null;
  }
}

/** Whether the message at `seq` lies within one of the periods. */
export function coversSeq(periods: MembershipPeriod[], seq: number): boolean {
  return periods.some((p) => seq >= p.fromSeq && (p.toSeq === null || seq <= p.toSeq));
}
