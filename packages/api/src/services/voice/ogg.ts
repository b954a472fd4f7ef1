import { VoiceFormatError } from './errors.ts';

/**
 * A reader of Ogg Opus (RFC 7845): checks every page is in place and the stream is one Opus
 * stream, and measures how long it plays from the last page's granule position (48 kHz samples)
 * less the pre-skip.
 */

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // OggS
const HEADER_BYTES = 27;
const OPUS_RATE = 48_000;

export function isOgg(head: Uint8Array): boolean {
  return CAPTURE.every((byte, i) => head[i] === byte);
}

/** How long an Ogg Opus recording plays, ms. @throws VoiceFormatError */
export function oggDurationMs(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let serial: number | null = null;
  let preSkip = 0;
  let lastGranule = 0n;
  while (at < bytes.length) {
    if (!isOgg(bytes.subarray(at, at + 4)) || at + HEADER_BYTES > bytes.length) {
      throw new VoiceFormatError(
        at === 0 ? 'This is not an Ogg file.' : 'The recording is damaged.',
        at === 0,
      );
    }
    if (bytes[at + 4] !== 0) throw new VoiceFormatError('The recording is damaged.');
    const granule = view.getBigInt64(at + 6, true);
    const pageSerial = view.getUint32(at + 14, true);
    const segments = bytes[at + 26]!;
    const tableEnd = at + HEADER_BYTES + segments;
    if (tableEnd > bytes.length) throw new VoiceFormatError('The recording is cut short.');
    let bodyBytes = 0;
    for (let i = at + HEADER_BYTES; i < tableEnd; i++) bodyBytes += bytes[i]!;
    const body = bytes.subarray(tableEnd, tableEnd + bodyBytes);
    if (body.length < bodyBytes) throw new VoiceFormatError('The recording is cut short.');

    if (serial === null) {
      // The first page holds the identification header alone.
      const head = new TextDecoder().decode(body.subarray(0, 8));
      if (head !== 'OpusHead' || body.length < 19) {
        throw new VoiceFormatError('A voice message is Opus audio.', true);
      }
      serial = pageSerial;
      preSkip = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint16(10, true);
    } else if (pageSerial !== serial) {
      throw new VoiceFormatError('A voice message has one audio stream.');
    }
    // -1: no packet ends on this page.
    if (granule > lastGranule) lastGranule = granule;
    at = tableEnd + bodyBytes;
  }
  if (serial === null) throw new VoiceFormatError('This is not an Ogg file.', true);
  const samples = Number(lastGranule) - preSkip;
  return Math.max(0, Math.round((samples * 1000) / OPUS_RATE));
}
