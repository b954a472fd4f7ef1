import type { DurableEventData, Message } from './types.ts';

/** The events that carry a message. */
type MessageEventType = 'message.new' | 'message.edited' | 'message.deleted';
type MessageEvent = Extract<DurableEventData, { type: MessageEventType }>;

const MESSAGE_EVENTS = new Set<string>(['message.new', 'message.edited', 'message.deleted']);

/**
 * How the log keeps an event: one that carries a message holds its id only, and is read back with
 * the message as it is now. The log never keeps a copy of a text, so an edit or a deletion for
 * everyone leaves no earlier words behind it, and a replay shows what members may see today.
 */
export type StoredEventData =
  Exclude<DurableEventData, MessageEvent> | { type: MessageEventType; messageId: string };

export const isMessageEvent = (data: { type: string }): data is MessageEvent =>
  MESSAGE_EVENTS.has(data.type);

export function toStoredData(data: DurableEventData): StoredEventData {
  return isMessageEvent(data) ? { type: data.type, messageId: data.message.id } : data;
}

/** The message a stored event refers to, if any. */
export function storedMessageId(data: StoredEventData): string | null {
  return 'messageId' in data && MESSAGE_EVENTS.has(data.type) ? data.messageId : null;
}

/** A stored event back as its data, with the messages read for the page (by id). */
export function fromStoredData(
  data: StoredEventData,
  messages: ReadonlyMap<string, Message>,
  eventId: number,
): DurableEventData {
  const messageId = storedMessageId(data);
  if (messageId === null) return data as DurableEventData;
  const message = messages.get(messageId);
  if (!message) throw new Error(`event ${eventId} refers to a missing message ${messageId}`);
  return { type: data.type as MessageEventType, message } as MessageEvent;
}
