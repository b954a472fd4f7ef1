import { describe, expect, it } from 'vitest';
import { HOLD_MS, onRelease, recordingType, SLIDE_CANCEL_PX } from './recording.ts';

describe('recordingType', () => {
  it('prefers Opus in WebM, then in Ogg, and gives up on anything else', () => {
    expect(recordingType(() => true)).toBe('audio/webm;codecs=opus');
    expect(recordingType((t) => t.startsWith('audio/ogg'))).toBe('audio/ogg;codecs=opus');
    expect(recordingType((t) => t === 'audio/mp4')).toBeNull();
  });
});

describe('onRelease', () => {
  it('keeps recording after a tap, sends after a hold, cancels after a slide to the left', () => {
    expect(onRelease({ heldMs: 100, slidPx: 0 })).toBe('keep');
    expect(onRelease({ heldMs: HOLD_MS, slidPx: -10 })).toBe('send');
    expect(onRelease({ heldMs: 2000, slidPx: -SLIDE_CANCEL_PX })).toBe('cancel');
  });
});
