/** What a voice note is recorded as, and what a hold on the record button means: pure rules. */

/** The formats the server accepts, most preferred first (Opus in WebM, then in Ogg). */
export const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'] as const;

/** The first format this browser can record, or null (then voice notes cannot be recorded here). */
export function recordingType(isSupported: (type: string) => boolean): string | null {
  return RECORDING_TYPES.find((type) => isSupported(type)) ?? null;
}

/** A press shorter than this is a tap (recording goes on until stopped); longer, a hold. */
export const HOLD_MS = 350;
/** Sliding a held press this far to the left cancels the recording. */
export const SLIDE_CANCEL_PX = 80;

/** What letting go of a press on the record button does. */
export function onRelease(press: { heldMs: number; slidPx: number }): 'keep' | 'send' | 'cancel' {
  if (press.slidPx <= -SLIDE_CANCEL_PX) return 'cancel';
  return press.heldMs >= HOLD_MS ? 'send' : 'keep';
}
