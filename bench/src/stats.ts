/**
 * A latency histogram with log-spaced buckets (about 1 % wide) from 1 µs up: constant memory,
 * mergeable across workers, percentiles accurate to the bucket width.
 */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const MIN_MS = 0.001;

export interface HistogramData {
  /** bucket index → count */
  buckets: Record<string, number>;
  count: number;
  sum: number;
  max: number;
}

export class Histogram {
  private buckets = new Map<number, number>();
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const v = Math.max(ms, MIN_MS);
    const index = Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other: Histogram | HistogramData): this {
    const entries =
      other instanceof Histogram ? other.buckets.entries() : Object.entries(other.buckets);
    for (const [k, n] of entries) {
      const index = Number(k);
      this.buckets.set(index, (this.buckets.get(index) ?? 0) + n);
    }
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** The value below which `p` (0..100) percent of samples fall; the bucket's upper bound. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!;
      if (seen >= rank) return Math.min(this.max, MIN_MS * GROWTH ** (index + 1));
    }
    return this.max;
  }

  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: round(this.percentile(50)),
      p90: round(this.percentile(90)),
      p99: round(this.percentile(99)),
      p999: round(this.percentile(99.9)),
      max: round(this.max),
      mean: round(this.mean()),
    };
  }

  toJSON(): HistogramData {
    return {
      buckets: Object.fromEntries(this.buckets),
      count: this.count,
      sum: this.sum,
      max: this.max,
    };
  }

  static from(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
