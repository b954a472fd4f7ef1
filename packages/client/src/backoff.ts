/** Backoff for reconnects: 0.5 s doubling to 30 s, with jitter so a restart does not cause a storm. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(base * (0.5 + Math.random() / 2));
}
