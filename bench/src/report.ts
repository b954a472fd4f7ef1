/** What a scenario reports, and the helpers every scenario uses to report it. */
import type { BenchOptions, Cluster } from './cluster.ts';
import { round } from './stats.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const pct = (part: number, whole: number) =>
  whole === 0 ? 0 : round((100 * part) / whole, 3);

export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
  /** Human-readable target, e.g. "≤ 25 ms". */
  target?: string;
  pass?: boolean;
  /** A speed target of Parley's own (not a correctness check): not applied to the baseline. */
  speed?: true;
}

export interface ScenarioResult {
  id: number;
  title: string;
  figures: Figure[];
  pass: boolean;
  details: Record<string, unknown>;
}

export type Scenario = (opts: BenchOptions) => Promise<ScenarioResult>;

export function finish(
  opts: BenchOptions,
  id: number,
  title: string,
  figures: Figure[],
  details: Record<string, unknown>,
): ScenarioResult {
  const kept = opts.target === 'parley' ? figures : figures.map(withoutSpeedTarget);
  return { id, title, figures: kept, pass: kept.every((f) => f.pass !== false), details };
}

function withoutSpeedTarget(figure: Figure): Figure {
  if (!figure.speed) return figure;
  const { target: _target, pass: _pass, speed: _speed, ...rest } = figure;
  return rest;
}

/** A figure with a speed target of Parley's that is an upper bound: "≤ {limit} {unit}". */
export function atMost(name: string, value: number, limit: number, unit: string): Figure {
  return { name, value, unit, target: `≤ ${limit} ${unit}`, pass: value <= limit, speed: true };
}

/** Waits until the server is quiet (under 10 % of a core for 0.5 s): at least `minMs`, at most 60 s. */
export async function settle(cluster: Cluster, minMs = 2000) {
  await sleep(minMs);
  const deadline = performance.now() + 60_000;
  for (;;) {
    const cpu0 = cluster.server.cpuMs();
    await sleep(500);
    if (cluster.server.cpuMs() - cpu0 < 50 || performance.now() > deadline) return;
  }
}
