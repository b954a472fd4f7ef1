import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Prints the top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`). */
export function summarise(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    total += t;
    const f = node.callFrame;
    const where = f.url
      ? `${f.url.replace(/^.*node_modules\/(\.pnpm\/)?/, '').replace(/^file:\/\/\/work\/main\//, '')}:${f.lineNumber + 1}`
      : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`;
    byName.set(key, (byName.get(key) ?? 0) + t);
  }
  const rows = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const byArea = new Map<string, number>();
  for (const [key, t] of byName) {
    const area = areaOf(key);
    byArea.set(area, (byArea.get(area) ?? 0) + t);
  }
  const format = ([k, t]: [string, number]) =>
    `${((t / total) * 100).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}`;
  return [
    `total ${(total / 1e6).toFixed(1)} s sampled`,
    '-- by area (self time) --',
    ...[...byArea.entries()].sort((a, b) => b[1] - a[1]).map(format),
    '-- by function (self time) --',
    ...rows.map(format),
  ].join('\n');
}

function areaOf(key: string): string {
  if (key.startsWith('(idle)')) return 'idle';
  if (key.startsWith('(garbage collector)')) return 'gc';
  if (/better-sqlite3|sqlite-|sqlite\//.test(key)) return 'sqlite (adapter + native)';
  if (/@trpc\/server/.test(key)) return 'tRPC server';
  if (/superjson|copy-anything|is-what/.test(key)) return 'superjson';
  if (/\bws\/lib|writev|writeUtf8String|writeBuffer/.test(key)) return 'ws + socket writes';
  if (/fastify|avvio|find-my-way|light-my-request/.test(key)) return 'fastify';
  if (/zod/.test(key)) return 'zod';
  if (/jose|crypto/.test(key)) return 'crypto / jose';
  if (/apps\/server\/dist\/main\.js/.test(key)) return 'parley (api, server)';
  if (/node:/.test(key)) return 'node internals';
  return 'other';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(summarise(process.argv[2]!, Number(process.argv[3] ?? 25)));
}
