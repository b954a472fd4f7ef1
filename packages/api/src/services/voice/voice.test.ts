import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opusPacketDurationMs } from './opus.ts';
import { readVoiceNote, VoiceFormatError } from './index.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

function refusal(bytes: Uint8Array): VoiceFormatError {
  try {
    readVoiceNote(bytes);
  } catch (error) {
    if (error instanceof VoiceFormatError) return error;
    throw error;
  }
  throw new Error('it was accepted');
}

describe('readVoiceNote', () => {
  it('measures WebM Opus, sized and live (unknown sizes, as MediaRecorder writes it)', () => {
    const sized = readVoiceNote(fixture('voice-1.5s.webm'));
    expect(sized.mime).toBe('audio/webm');
    expect(sized.durationMs).toBeGreaterThanOrEqual(1480);
    expect(sized.durationMs).toBeLessThanOrEqual(1530);
    const live = readVoiceNote(fixture('voice-live-1.2s.webm'));
    expect(live.durationMs).toBeGreaterThanOrEqual(1180);
    expect(live.durationMs).toBeLessThanOrEqual(1230);
  });

  it('measures Ogg Opus from its last granule position less the pre-skip', () => {
    expect(readVoiceNote(fixture('voice-2.5s.ogg'))).toEqual({
      mime: 'audio/ogg',
      durationMs: 2500,
    });
    expect(readVoiceNote(fixture('voice-310s.ogg')).durationMs).toBe(310_000);
  });

  it('refuses other containers as unsupported, and damaged ones as damaged', () => {
    expect(refusal(new TextEncoder().encode('RIFF....WAVEfmt ')).unsupported).toBe(true);
    expect(refusal(new TextEncoder().encode('%PDF-1.7 not audio at all')).unsupported).toBe(true);
    const webm = fixture('voice-1.5s.webm');
    expect(refusal(webm.subarray(0, webm.length - 300)).unsupported).toBe(false);
    const ogg = fixture('voice-2.5s.ogg');
    expect(refusal(ogg.subarray(0, ogg.length - 10)).message).toMatch(/cut short/);
    const mangled = ogg.slice();
    mangled.set(new TextEncoder().encode('Oggs'), Buffer.from(ogg).indexOf('OggS', 1));
    expect(refusal(mangled).message).toBe('The recording is damaged.');
  });

  it('refuses a WebM whose track is not Opus audio', () => {
    const webm = fixture('voice-1.5s.webm');
    const at = Buffer.from(webm).indexOf('A_OPUS');
    const video = webm.slice();
    video.set(new TextEncoder().encode('V_VP80'), at);
    expect(refusal(video).message).toBe('A voice message is Opus audio.');
  });
});

describe('opusPacketDurationMs', () => {
  it('reads the frame size and count from the TOC byte', () => {
    expect(opusPacketDurationMs(Uint8Array.of(0xf8))).toBe(20); // CELT 20 ms, one frame
    expect(opusPacketDurationMs(Uint8Array.of(0xf9))).toBe(40); // two frames
    expect(opusPacketDurationMs(Uint8Array.of(0x03, 0x03))).toBe(30); // SILK 10 ms × 3
    expect(opusPacketDurationMs(new Uint8Array())).toBe(0);
  });
});
