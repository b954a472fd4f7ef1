/** Opus packet durations (RFC 6716 §3.1): what a container's last packet adds to its start. */

/** Frame durations of the 32 configurations, in tenths of a millisecond. */
const FRAME_TENTHS_MS = [
  ...[100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600], // SILK
  ...[100, 200, 100, 200], // hybrid
  ...[25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200], // CELT
];

/** How long one Opus packet plays, ms (0 for an empty or malformed one). */
export function opusPacketDurationMs(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0]!;
  const frame = FRAME_TENTHS_MS[toc >> 3]!;
  const code = toc & 0x03;
  let frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  if (code === 3 && packet.length < 2) frames = 0;
  return (frame * frames) / 10;
}
