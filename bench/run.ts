/**
 * `pnpm bench [-- --scenario 2[,3]] [--quick] [--workers N] [--profile DIR] [--out FILE]`
 *
 * Starts the production build of the server on a fresh SQLite file for each scenario, drives it
 * from separate load-generator processes with the stock tRPC client, prints a table and writes
 * bench/results/latest.json (or --out).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioResult } from './src/scenarios.ts';
import { REPO_ROOT } from './src/server-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    scenario: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    profile: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: pnpm bench [-- --scenario N[,N]] [--quick] [--workers N] [--profile DIR] [--out FILE]
                  [--rate MSG_PER_S --duration S]   (scenario 2 at another rate, for profiling)
scenarios: ${Object.entries(SCENARIOS)
    .map(([id, s]) => `${id} ${s.name}`)
    .join(', ')}`);
  process.exit(0);
}

const ids = (values.scenario ?? Object.keys(SCENARIOS))
  .flatMap((s) => s.split(','))
  .map((s) => Number(s.trim()))
  .filter((n) => SCENARIOS[n]);
if (ids.length === 0) {
  console.error('no such scenario; use --scenario 1..6');
  process.exit(2);
}

const workers = Math.max(1, Number(values.workers) || 2);
const quick = values.quick ?? false;
const log = (line: string) => console.log(line);
if (values.profile) mkdirSync(path.resolve(values.profile), { recursive: true });

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
};
const started = new Date();
console.log(
  `Parley benchmark — ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}` +
    `${quick ? ', quick mode' : ''}, ${workers} load-generator processes`,
);

const results: ScenarioResult[] = [];
const failures: Array<{ id: number; error: string }> = [];
for (const id of ids) {
  const scenario = SCENARIOS[id]!;
  console.log(`\n#${id} ${scenario.name}`);
  const t0 = Date.now();
  try {
    const result = await scenario.run({
      quick,
      workers,
      log,
      ...(values.profile ? { profileDir: path.resolve(values.profile) } : {}),
      ...(values.rate ? { rate: Number(values.rate) } : {}),
      ...(values.duration ? { durationSeconds: Number(values.duration) } : {}),
    });
    results.push(result);
    console.log(`  done in ${Math.round((Date.now() - t0) / 1000)} s`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push({ id, error: message });
    console.error(`  failed: ${message}`);
  }
}

// ── table ──────────────────────────────────────────────────────────────────────────────────────
const rows: string[][] = [['#', 'scenario', 'figure', 'result', 'target', '']];
for (const r of results) {
  r.figures.forEach((f, i) => {
    rows.push([
      i === 0 ? String(r.id) : '',
      i === 0 ? r.title : '',
      f.name,
      `${typeof f.value === 'number' ? f.value.toLocaleString('en') : f.value}${f.unit ? ` ${f.unit}` : ''}`,
      f.target ?? '',
      f.pass === undefined ? '' : f.pass ? 'ok' : 'MISS',
    ]);
  });
}
for (const f of failures)
  rows.push([
    String(f.id),
    SCENARIOS[f.id]!.name,
    'failed to run',
    f.error.split('\n')[0] ?? '',
    '',
    'FAIL',
  ]);
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
const line = (r: string[]) =>
  r
    .map((cell, c) => cell.padEnd(widths[c]!))
    .join('  ')
    .trimEnd();
console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows.slice(1)) console.log(line(r));

// ── json ───────────────────────────────────────────────────────────────────────────────────────
const report = {
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  git: {
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'apps', 'packages', 'bench']) !== '',
  },
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
  options: { quick, workers, scenarios: ids },
  scenarios: results,
  failures,
};
const out = values.out ? path.resolve(values.out) : path.join(here, 'results', 'latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
process.exit(failures.length > 0 ? 1 : 0);
