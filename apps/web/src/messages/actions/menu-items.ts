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
}

/** Whether a message has a menu at all: stored (not pending, not failed) and not a system line. */
export const hasActions = (m: DisplayMessage) =>
  m.id !== null && m.kind === 'text' && m.status !== 'pending' && m.status !== 'failed';

/** Whether a message of mine can be edited: a text, not deleted, not a forwarded copy. */
export const isEditable = (m: Pick<DisplayMessage, 'kind' | 'text' | 'forwarded' | 'deleted'>) =>
  m.kind === 'text' && m.text !== '' && !m.forwarded && !m.deleted;

/**
 * The menu of one message, in order. A tombstone can only be deleted for me; my messages can be
 * edited (see isEditable: a forwarded copy's words are someone else's) and their info read;
 * others' can be reported.
 * Whether "Delete" may reach everyone is the dialog's question (see canDeleteForEveryone).
 */
export function menuActions(m: DisplayMessage, { mine, member }: ActionRights): MessageAction[] {
  if (!hasActions(m)) return [];
  if (m.deleted) return ['delete'];
  const actions: MessageAction[] = [];
  if (member) actions.push('reply');
  if (m.text) actions.push('copy');
  actions.push('forward');
  if (member) actions.push(m.pinned ? 'unpin' : 'pin');
  if (mine && member && isEditable(m)) actions.push('edit');
  if (mine) actions.push('info');
  actions.push('delete');
  if (!mine) actions.push('report');
  return actions;
}

/** Mine, or anyone's in a group I administer (the server checks again, and the time limit). */
export function canDeleteForEveryone(m: DisplayMessage, mine: boolean, admin: boolean): boolean {
  return !m.deleted && (mine || admin);
}
