import type { DisplayMessage } from '../timeline.ts';

/** What the menu of a message offers (reactions come by the bar above it). */
export type MessageAction =
  'reply' | 'copy' | 'forward' | 'pin' | 'unpin' | 'edit' | 'info' | 'delete' | 'report';

export const ACTION_LABELS: Record<MessageAction, string> = {
  reply: 'Reply',
  copy: 'Copy text',
  forward: 'Forward',
  pin: 'Pin',
  unpin: 'Unpin',
  edit: 'Edit',
  info: 'Message info',
  delete: 'Delete',
  report: 'Report',
};

export interface ActionRights {
  mine: boolean;
  /** I am in the conversation (not left or removed): I may reply, react, pin. */
  member: boolean;
  /** Within the server's edit window (see inEditWindow): I may still edit it. */
  inTime: boolean;
}

/** Whether a message has a menu at all: stored (not pending, not failed) and not a system line. */
export const hasActions = (m: DisplayMessage) =>
  m.id !== null && m.kind === 'text' && m.status !== 'pending' && m.status !== 'failed';

/** Whether a message of mine can be edited: a text, not deleted, not a forwarded copy. */
export const isEditable = (m: Pick<DisplayMessage, 'kind' | 'text' | 'forwarded' | 'deleted'>) =>
  m.kind === 'text' && m.text !== '' && !m.forwarded && !m.deleted;

/**
 * Whether a message sent at `createdAt` is still in the server's edit window (`auth.me`'s
 * `editWindowMs`; null while unknown: offered, and the server says no when it is too late).
 */
export const inEditWindow = (
  m: Pick<DisplayMessage, 'createdAt'>,
  windowMs: number | null,
  now = Date.now(),
) => windowMs === null || now - m.createdAt.getTime() < windowMs;

/**
 * The menu of one message, in order. A tombstone can only be deleted for me; my messages can be
 * edited while in the edit window (see isEditable: a forwarded copy's words are someone else's)
 * and their info read;
 * others' can be reported.
 * Whether "Delete" may reach everyone is the dialog's question (see canDeleteForEveryone).
 */
export function menuActions(
  m: DisplayMessage,
  { mine, member, inTime }: ActionRights,
): MessageAction[] {
  if (!hasActions(m)) return [];
  if (m.deleted) return ['delete'];
  const actions: MessageAction[] = [];
  if (member) actions.push('reply');
  if (m.text) actions.push('copy');
  actions.push('forward');
  if (member) actions.push(m.pinned ? 'unpin' : 'pin');
  if (mine && member && inTime && isEditable(m)) actions.push('edit');
  if (mine) actions.push('info');
  actions.push('delete');
  if (!mine) actions.push('report');
  return actions;
}

/** Mine in the edit window, or anyone's in a group I administer (the server checks again). */
export function canDeleteForEveryone(
  m: DisplayMessage,
  { mine, inTime, admin }: { mine: boolean; inTime: boolean; admin: boolean },
): boolean {
  return !m.deleted && ((mine && inTime) || admin);
}
