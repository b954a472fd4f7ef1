/**
 * `pnpm bench [-- --scenario 2[,3]] [--target parley|baseline|both] [--quick] [--runs N]
 *              [--workers N] [--profile DIR] [--out FILE]`
 *
 * Starts each server (Parley's production build, and the Socket.IO baseline of bench/baseline)
 * on a fresh SQLite file for each run of a scenario, drives it from separate load-generator
 * processes, prints a table with Parley's figures beside the baseline's and their ratio, and
 * writes bench/results/latest.json (or --out). Runs of the two servers alternate (Parley,
 * baseline, Parley, ...), and each figure is the median of its runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compare, mergeRuns, type Comparison, type MergedResult } from './src/compare.ts';
import type { TargetName } from './src/protocol.ts';
import type { ScenarioResult } from './src/report.ts';
import { SCENARIOS } from './src/scenarios.ts';
import { REPO_ROOT } from './src/server-process.ts';
import { TARGETS } from './src/targets.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    scenario: { type: 'string', multiple: true },
    target: { type: 'string', default: 'both' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    workers: { type: 'string', default: '2' },
    profile: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: pnpm bench [-- --scenario N[,N]] [--target parley|baseline|both] [--quick] [--runs N]
                  [--workers N] [--profile DIR] [--out FILE]
                  [--rate MSG_PER_S --duration S]   (scenario 2 at one rate, for profiling)
  --runs: runs of each server for the scenarios both run (default 3, 1 with --quick)
scenarios: ${Object.entries(SCENARIOS)
    .map(([id, s]) => `${id} ${s.name} (${s.targets.join(' + ')})`)
    .join(', ')}`);
  process.exit(0);
}

const ids = (values.scenario ?? Object.keys(SCENARIOS))
  .flatMap((s) => s.split(','))
  .map((s) => Number(s.trim()))
  .filter((n) => SCENARIOS[n]);
if (ids.length === 0) {
  console.error(`no such scenario; use --scenario 1..${Object.keys(SCENARIOS).length}`);
  process.exit(2);
}
const targetNames: TargetName[] =
  values.target === 'both' ? ['parley', 'baseline'] : ([values.target] as TargetName[]);
if (!targetNames.every((t) => t in TARGETS)) {
  console.error('no such target; use --target parley, baseline or both');
  process.exit(2);
}

const workers = Math.max(1, Number(values.workers) || 2);
const quick = values.quick ?? false;
const runs = Math.max(1, Number(values.runs ?? (quick ? 1 : 3)) || 1);
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
    `${quick ? ', quick mode' : ''}, ${workers} load-generator processes, ${targetNames.map((t) => TARGETS[t].label).join(' and ')}`,
);

const results: Record<TargetName, MergedResult[]> = { parley: [], baseline: [] };
const failures: Array<{ id: number; target: TargetName; run: number; error: string }> = [];
for (const id of ids) {
  const scenario = SCENARIOS[id]!;
  const targets = targetNames.filter((t) => scenario.targets.includes(t));
  if (targets.length === 0) {
    console.log(`\n#${id} ${scenario.name}: ${scenario.targets.join(', ')} only, skipped`);
    continue;
  }
  // Scenarios both servers run are repeated (a median of each figure), the servers' runs
  // interleaved so that a change in the machine's load hits both alike.
  const times = scenario.targets.length > 1 ? runs : 1;
  const done: Record<TargetName, ScenarioResult[]> = { parley: [], baseline: [] };
  for (let run = 1; run <= times; run++) {
    for (const target of targets) {
      console.log(`\n#${id} ${scenario.name} — ${TARGETS[target].label}, run ${run} of ${times}`);
      const t0 = Date.now();
      try {
        done[target].push(
          await scenario.run({
            target,
            quick,
            workers,
            log,
            ...(values.profile ? { profileDir: path.resolve(values.profile) } : {}),
            ...(values.rate ? { rate: Number(values.rate) } : {}),
            ...(values.duration ? { durationSeconds: Number(values.duration) } : {}),
          }),
        );
        console.log(`  done in ${Math.round((Date.now() - t0) / 1000)} s`);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ id, target, run, error: message });
        console.error(`  failed: ${message}`);
      }
    }
  }
  for (const target of targets)
    if (done[target].length > 0) results[target].push(mergeRuns(done[target]));
}

// ── table ──────────────────────────────────────────────────────────────────────────────────────
const format = (value: number | string | null | undefined, unit?: string) =>
  value === null || value === undefined
    ? '–'
    : `${typeof value === 'number' ? value.toLocaleString('en') : value}${unit ? ` ${unit}` : ''}`;
const comparison: Comparison[] = [];
const side = targetNames.length > 1;
const rows: string[][] = [
  [
    '#',
    'scenario',
    'figure',
    ...targetNames.map((t) => TARGETS[t].label),
    ...(side ? ['Parley / baseline'] : []),
    'target',
    '',
  ],
];
for (const id of ids) {
  const parley = results.parley.find((r) => r.id === id);
  const baseline = results.baseline.find((r) => r.id === id);
  const first = parley ?? baseline;
  if (!first) continue;
  const lines =
    parley && baseline
      ? compare(parley, baseline)
      : first.figures.map((f) => ({
          id,
          figure: f.name,
          unit: f.unit,
          parley: parley ? f.value : null,
          baseline: baseline ? f.value : null,
          ratio: null,
        }));
  if (parley && baseline) comparison.push(...lines);
  lines.forEach((c, i) => {
    const of = (t: TargetName) =>
      (t === 'parley' ? parley : baseline)?.figures.find((f) => f.name === c.figure);
    const figure = of('parley') ?? of('baseline');
    const missed = targetNames.filter((t) => of(t)?.pass === false);
    rows.push([
      i === 0 ? String(id) : '',
      i === 0 ? first.title : '',
      c.figure,
      ...targetNames.map((t) => format(c[t], c.unit)),
      ...(side ? [c.ratio === null ? '' : `${c.ratio.toFixed(2)}×`] : []),
      figure?.target ?? '',
      missed.length > 0
        ? `MISS${side ? ` (${missed.map((t) => TARGETS[t].label).join(', ')})` : ''}`
        : figure?.pass
          ? 'ok'
          : '',
    ]);
  });
}
for (const f of failures)
  rows.push([
    String(f.id),
    SCENARIOS[f.id]!.name,
    `${TARGETS[f.target].label}, run ${f.run}: failed to run`,
    f.error.split('\n')[0] ?? '',
    'FAIL',
  ]);
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
const line = (r: string[]) =>
  r
    .map((cell, c) => cell.padEnd(widths[c]!))
    .join('  ')
    .trimEnd();
console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows.slice(1)) console.log(line(r));
const repeated = ids.filter((id) => SCENARIOS[id]!.targets.length > 1);
if (repeated.length > 0) console.log(`\n#${repeated.join(', #')}: medians of ${runs} run(s)`);

// ── json ───────────────────────────────────────────────────────────────────────────────────────
const report = {
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  git: {
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'apps', 'packages', 'bench']) !== '',
  },
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
  options: { quick, workers, scenarios: ids, targets: targetNames, runs },
  /** Parley's results, each figure the median of its runs. */
  scenarios: results.parley,
  /** The Socket.IO baseline's (bench/baseline), likewise. */
  baseline: results.baseline,
  /** Each figure of the scenarios both ran: Parley's, the baseline's, and Parley / baseline. */
  comparison,
  failures,
};
const out = values.out ? path.resolve(values.out) : path.join(here, 'results', 'latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
process.exit(failures.length > 0 ? 1 : 0);
