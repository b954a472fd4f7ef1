import type { VoiceMime } from '@parley/db';
import { VoiceFormatError } from './errors.ts';
import { isOgg, oggDurationMs } from './ogg.ts';
import { isWebm, webmDurationMs } from './webm.ts';

export { VoiceFormatError } from './errors.ts';

export const UNSUPPORTED_VOICE_MESSAGE =
  'A voice message must be Opus audio in WebM or Ogg (as browsers record it).';

/**
 * The container of a voice note, told by its first bytes, and how long it plays as its
 * container says when read to the end (never what the uploader claims).
 * @throws VoiceFormatError
 */
export function readVoiceNote(bytes: Uint8Array): { mime: VoiceMime; durationMs: number } {
  if (isWebm(bytes)) return { mime: 'audio/webm', durationMs: webmDurationMs(bytes) };
  if (isOgg(bytes)) return { mime: 'audio/ogg', durationMs: oggDurationMs(bytes) };
  throw new VoiceFormatError(UNSUPPORTED_VOICE_MESSAGE, true);
}
