/** Latency samples and their percentiles (nearest rank: with 200 samples, p99 is the 2nd largest). */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: sorted.length,
    mean: round(sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || 1)),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Named latency series, in milliseconds. */
export class Timings {
  private readonly series = new Map<string, number[]>();

  add(name: string, ms: number): void {
    let list = this.series.get(name);
    if (!list) this.series.set(name, (list = []));
    list.push(ms);
  }

  /** Times `fn` under `name` (only when it succeeds: failures are counted by the caller). */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await fn();
    this.add(name, performance.now() - started);
    return result;
  }

  /** Unrounded, for ratios of sub-millisecond figures (the summaries keep a tenth of a millisecond). */
  percentile(name: string, p: number): number {
    return percentile(
      [...(this.series.get(name) ?? [])].sort((a, b) => a - b),
      p,
    );
  }

  summaries(): Record<string, Summary> {
    return Object.fromEntries([...this.series].map(([name, samples]) => [name, summarise(samples)]));
  }
}
