import { describe, expect, it } from 'vitest';
import { compare, median, mergeRuns } from './compare.ts';
import type { ScenarioResult } from './report.ts';

const run = (p99: number, delivered: number, extra: ScenarioResult['figures'] = []) =>
  ({
    id: 2,
    title: '1:1',
    figures: [
      { name: 'p99', value: p99, unit: 'ms', target: '≤ 25 ms', pass: p99 <= 25, speed: true },
      { name: 'delivered', value: delivered, unit: '%', pass: delivered === 100 },
      ...extra,
    ],
    pass: true,
    details: { p99 },
  }) satisfies ScenarioResult;

describe('median', () => {
  it('takes the middle value, the lower middle one of an even count', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(20);
    expect(median([7])).toBe(7);
  });
});

describe('mergeRuns', () => {
  it('keeps the median of each figure, and passes a figure only if every run passed it', () => {
    const merged = mergeRuns([run(30, 100), run(10, 99.5), run(20, 100)]);
    expect(merged.figures.find((f) => f.name === 'p99')).toMatchObject({ value: 20, pass: false });
    expect(merged.figures.find((f) => f.name === 'delivered')).toMatchObject({
      value: 100,
      pass: false,
    });
    expect(merged.pass).toBe(false);
    expect(merged.runs.map((r) => r.details)).toEqual([{ p99: 30 }, { p99: 10 }, { p99: 20 }]);
  });

  it('keeps a figure that only some runs have', () => {
    const merged = mergeRuns([run(10, 100), run(12, 100, [{ name: 'extra', value: 'x' }])]);
    expect(merged.figures.map((f) => f.name)).toEqual(['p99', 'delivered', 'extra']);
    expect(merged.pass).toBe(true);
  });
});

describe('compare', () => {
  it('sets Parley beside the baseline with the ratio, and figures one side lacks beside null', () => {
    const parley = mergeRuns([run(20, 100, [{ name: 'HTTP p99', value: 900, unit: 'ms' }])]);
    const baseline = mergeRuns([run(8, 100)]);
    expect(compare(parley, baseline)).toEqual([
      { id: 2, figure: 'p99', unit: 'ms', parley: 20, baseline: 8, ratio: 2.5 },
      { id: 2, figure: 'delivered', unit: '%', parley: 100, baseline: 100, ratio: 1 },
      { id: 2, figure: 'HTTP p99', unit: 'ms', parley: 900, baseline: null, ratio: null },
    ]);
  });
});
