import type { Role } from '../lib/protocol.ts';

export const formatGroupSize = (n: number) => (n === 1 ? '1 member' : `${n} members`);

/** The group header's status line: its size, and who of it is online. */
export function groupStatus(memberCount: number, online: number | null): string {
  const size = formatGroupSize(memberCount);
  return online === null || online === 0 ? size : `${size}, ${online} online`;
}

export const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
};
