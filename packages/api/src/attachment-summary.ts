import type { MessageAttachment } from '@parley/db';

/** "0:07", "1:05", "12:00": how long a voice note plays. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * One line for what a message without text carries, for the conversation list and
 * notifications: "🎤 Voice message 0:12", "📎 report.pdf" (and how many more), "📷 Photo".
 */
export function attachmentSummary(attachments: readonly MessageAttachment[]): string {
  const voice = attachments.find((a) => a.kind === 'voice');
  if (voice) return `🎤 Voice message ${formatDuration(voice.durationMs)}`;
  const files = attachments.filter((a) => a.kind === 'file');
  if (files.length > 0) {
    const more = attachments.length - 1;
    return `📎 ${files[0]!.name}${more > 0 ? ` and ${more} more` : ''}`;
  }
  if (attachments.length === 0) return 'Attachment';
  return attachments.length === 1 ? '📷 Photo' : `📷 ${attachments.length} photos`;
}
