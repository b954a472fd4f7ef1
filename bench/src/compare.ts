/**
 * Repeated runs of a scenario folded into one result (the median of each figure), and Parley's
 * figures set beside the baseline's with their ratio.
 */
import type { Figure, ScenarioResult } from './report.ts';
import { round } from './stats.ts';

/** A scenario's figures over its runs: numbers are medians, a figure passes if it passed in every run. */
export interface MergedResult {
  id: number;
  title: string;
  figures: Figure[];
  pass: boolean;
  runs: Array<{ figures: Figure[]; details: Record<string, unknown> }>;
}

/** The middle value (the lower of the two middle ones for an even count: always a measured value). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function mergeFigure(name: string, runs: ScenarioResult[]): Figure {
  const seen = runs.flatMap((r) => r.figures.filter((f) => f.name === name));
  const first = seen[0]!;
  const numbers = seen.map((f) => f.value).filter((v): v is number => typeof v === 'number');
  const value = numbers.length === seen.length ? median(numbers) : first.value;
  const passes = seen.map((f) => f.pass).filter((p) => p !== undefined);
  return {
    ...first,
    value,
    ...(passes.length > 0 ? { pass: passes.every(Boolean) } : {}),
  };
}

export function mergeRuns(runs: ScenarioResult[]): MergedResult {
  const names = [...new Set(runs.flatMap((r) => r.figures.map((f) => f.name)))];
  const figures = names.map((name) => mergeFigure(name, runs));
  return {
    id: runs[0]!.id,
    title: runs[0]!.title,
    figures,
    pass: figures.every((f) => f.pass !== false),
    runs: runs.map((r) => ({ figures: r.figures, details: r.details })),
  };
}

export interface Comparison {
  id: number;
  figure: string;
  unit?: string;
  parley: number | string | null;
  baseline: number | string | null;
  /** Parley / baseline, where both are numbers and the baseline's is not 0. */
  ratio: number | null;
}

/** Every figure of a scenario that ran on both servers, Parley's beside the baseline's. */
export function compare(parley: MergedResult, baseline: MergedResult): Comparison[] {
  const names = [...new Set([...parley.figures, ...baseline.figures].map((f) => f.name))];
  return names.map((name) => {
    const p = parley.figures.find((f) => f.name === name);
    const b = baseline.figures.find((f) => f.name === name);
    const ratio =
      typeof p?.value === 'number' && typeof b?.value === 'number' && b.value !== 0
        ? round(p.value / b.value)
        : null;
    return {
      id: parley.id,
      figure: name,
      ...((p ?? b)?.unit ? { unit: (p ?? b)!.unit } : {}),
      parley: p?.value ?? null,
      baseline: b?.value ?? null,
      ratio,
    };
  });
}
