/** The unique key of the direct conversation between two users, whatever their order. */
export function pairKey(a: string, b: string): string {
  return [a, b].sort().join(':');
}
