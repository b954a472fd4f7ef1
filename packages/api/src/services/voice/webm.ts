import { VoiceFormatError } from './errors.ts';
import { opusPacketDurationMs } from './opus.ts';

/**
 * A reader of the WebM (Matroska) that browsers record voice with (MediaRecorder): checks it is
 * WebM with one Opus audio track and nothing else, and measures how long it plays from its
 * blocks (a recording has no Duration element: it was written live), not from what it claims.
 */

const ID = {
  ebml: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  codecId: 0x86,
  cluster: 0x1f43b675,
  timecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
} as const;

/** Level-1 elements of a Segment: one of them ends a Cluster of unknown size. */
const SEGMENT_CHILDREN: ReadonlySet<number> = new Set([
  0x114d9b74, // SeekHead
  ID.info,
  ID.tracks,
  ID.cluster,
  0x1c53bb6b, // Cues
  0x1941a469, // Attachments
  0x1043a770, // Chapters
  0x1254c367, // Tags
]);

const AUDIO_TRACK = 2;

interface Element {
  id: number;
  /** Where its data starts and ends (the end of its parent when its size is unknown). */
  start: number;
  end: number;
  unknownSize: boolean;
}

/** A variable-length integer at `at`: its value and length (the marker bit removed unless `keepMarker`). */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean) {
  const first = bytes[at];
  if (first === undefined || first === 0) throw new VoiceFormatError('The recording is damaged.');
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) throw new VoiceFormatError('The recording is cut short.');
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, allOnes };
}

function readElement(bytes: Uint8Array, at: number, parentEnd: number): Element {
  const id = vint(bytes, at, true);
  const size = vint(bytes, at + id.length, false);
  const start = at + id.length + size.length;
  const unknownSize = size.allOnes;
  const end = unknownSize ? parentEnd : start + size.value;
  if (end > parentEnd) throw new VoiceFormatError('The recording is cut short.');
  return { id: id.value, start, end, unknownSize };
}

function* children(bytes: Uint8Array, start: number, end: number): Generator<Element> {
  let at = start;
  while (at < end) {
    const element = readElement(bytes, at, end);
    yield element;
    at = element.end;
  }
}

const uint = (bytes: Uint8Array, e: Element) =>
  bytes.subarray(e.start, e.end).reduce((value, byte) => value * 256 + byte, 0);
const text = (bytes: Uint8Array, e: Element) =>
  new TextDecoder().decode(bytes.subarray(e.start, e.end)).replace(/\0+$/, '');

export function isWebm(head: Uint8Array): boolean {
  return head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3;
}

/** Checks the single Opus audio track. */
function checkTracks(bytes: Uint8Array, tracks: Element): void {
  const entries = [...children(bytes, tracks.start, tracks.end)].filter(
    (e) => e.id === ID.trackEntry,
  );
  if (entries.length !== 1) throw new VoiceFormatError('A voice message has one audio track.');
  const fields = [...children(bytes, entries[0]!.start, entries[0]!.end)];
  const type = fields.find((e) => e.id === ID.trackType);
  const codec = fields.find((e) => e.id === ID.codecId);
  if (!type || uint(bytes, type) !== AUDIO_TRACK || !codec || text(bytes, codec) !== 'A_OPUS') {
    throw new VoiceFormatError('A voice message is Opus audio.', true);
  }
}

/**
 * The end of the last block of a cluster, in timecode units, and where the cluster ends (a
 * cluster of unknown size ends at the next level-1 element).
 */
function readCluster(bytes: Uint8Array, cluster: Element, scaleMs: number) {
  let base = 0;
  let endMs = 0;
  let at = cluster.start;
  while (at < cluster.end) {
    const element = readElement(bytes, at, cluster.end);
    if (cluster.unknownSize && SEGMENT_CHILDREN.has(element.id)) break;
    if (element.id === ID.timecode) base = uint(bytes, element);
    const block =
      element.id === ID.simpleBlock
        ? element
        : element.id === ID.blockGroup
          ? [...children(bytes, element.start, element.end)].find((e) => e.id === ID.block)
          : undefined;
    if (block) {
      const track = vint(bytes, block.start, false);
      const headerEnd = block.start + track.length + 3;
      if (headerEnd > block.end) throw new VoiceFormatError('The recording is damaged.');
      const view = new DataView(bytes.buffer, bytes.byteOffset + block.start + track.length, 2);
      const startMs = (base + view.getInt16(0)) * scaleMs;
      const frameMs = opusPacketDurationMs(bytes.subarray(headerEnd, block.end));
      endMs = Math.max(endMs, startMs + frameMs);
    }
    at = element.end;
  }
  return { endMs, next: at };
}

/** How long a WebM Opus recording plays, ms. @throws VoiceFormatError */
export function webmDurationMs(bytes: Uint8Array): number {
  const header = readElement(bytes, 0, bytes.length);
  if (header.id !== ID.ebml) throw new VoiceFormatError('This is not a WebM file.', true);
  const docType = [...children(bytes, header.start, header.end)].find((e) => e.id === ID.docType);
  if (!docType || text(bytes, docType) !== 'webm') {
    throw new VoiceFormatError('This is not a WebM file.', true);
  }
  const segment = readElement(bytes, header.end, bytes.length);
  if (segment.id !== ID.segment) throw new VoiceFormatError('The recording is damaged.');

  let scaleMs = 1; // TimecodeScale defaults to 1 ms
  let sawTracks = false;
  let endMs = 0;
  let at = segment.start;
  while (at < segment.end) {
    const element = readElement(bytes, at, segment.end);
    if (element.id === ID.info) {
      const scale = [...children(bytes, element.start, element.end)].find(
        (e) => e.id === ID.timecodeScale,
      );
      if (scale) scaleMs = uint(bytes, scale) / 1_000_000;
    } else if (element.id === ID.tracks) {
      checkTracks(bytes, element);
      sawTracks = true;
    } else if (element.id === ID.cluster) {
      if (!sawTracks) throw new VoiceFormatError('The recording is damaged.');
      const cluster = readCluster(bytes, element, scaleMs);
      endMs = Math.max(endMs, cluster.endMs);
      at = cluster.next;
      continue;
    }
    at = element.end;
  }
  if (!sawTracks) throw new VoiceFormatError('The recording has no audio track.');
  return Math.round(endMs);
}
