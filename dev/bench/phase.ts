/**
 * A measured phase, possibly run in several rounds (baseline and end to end alternate, so that a
 * machine shared with other work loads both alike): latencies, wall time, failures, CPU per
 * process and per thread, peak RSS and the profiler windows add up over the rounds.
 */
import { cpuMeter, threadCpuMeter, type CpuUse } from './cpu.js';
import type { PoolResult } from './pool.js';
import { monotonicUs, type Window } from './profile.js';
import type { PhaseResult } from './report.js';
import { RssSampler, type PeakRss } from './rss.js';
import { Timings } from './stats.js';

const addInto = (total: Record<string, number>, more: Record<string, number>) => {
  for (const [k, v] of Object.entries(more)) total[k] = (total[k] ?? 0) + v;
};

export class Phase {
  readonly timings = new Timings();
  readonly windows: Window[] = [];
  private count = 0;
  private wallMs = 0;
  private readonly failures: string[] = [];
  private failureCount = 0;
  /** Indexes (over all rounds) of the jobs that failed: their histories are not read. */
  readonly failed = new Set<number>();
  private readonly cpuMs: CpuUse = {};
  private readonly threadCpuMs: Record<string, Record<string, number>> = {};
  private readonly rss: Record<string, PeakRss> = {};

  constructor(
    private readonly pids: Record<string, number>,
    /** The processes whose RSS and threads are followed (worker, web, baseline worker). */
    private readonly apps: Record<string, number>,
  ) {}

  /** One round of `count` jobs; `offset` is the index of the round's first job over all rounds. */
  async round(count: number, offset: number, run: (timings: Timings) => Promise<PoolResult>): Promise<void> {
    const cpu = cpuMeter(this.pids);
    const threads = Object.entries(this.apps).map(([name, pid]) => [name, threadCpuMeter(pid)] as const);
    const sampler = new RssSampler(this.apps);
    const startUs = monotonicUs();
    const outcome = await run(this.timings);
    this.windows.push({ startUs, endUs: monotonicUs() });
    addInto(this.cpuMs, cpu());
    for (const [name, meter] of threads) addInto((this.threadCpuMs[name] ??= {}), meter());
    for (const [name, peak] of Object.entries(sampler.stop())) {
      const before = this.rss[name];
      const value = (p: PeakRss) => p.hwmMiB ?? p.polledPeakMiB;
      if (!before || value(peak) > value(before)) this.rss[name] = peak;
    }
    this.count += count;
    this.wallMs += outcome.wallMs;
    this.failureCount += outcome.failures.length;
    for (const f of outcome.failures) {
      this.failed.add(offset + f.index);
      if (this.failures.length < 10) this.failures.push(`#${offset + f.index}: ${f.error}`);
    }
  }

  result(): PhaseResult {
    const completed = this.count - this.failureCount;
    const sortDesc = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).sort((a, b) => b[1] - a[1]));
    return {
      count: this.count,
      completed,
      failureCount: this.failureCount,
      failures: this.failures,
      wallMs: Math.round(this.wallMs),
      perSecond: Math.round((completed / (this.wallMs / 1000)) * 100) / 100,
      rounds: this.windows.length,
      steps: this.timings.summaries(),
      cpuMs: this.cpuMs,
      threadCpuMs: Object.fromEntries(Object.entries(this.threadCpuMs).map(([k, v]) => [k, sortDesc(v)])),
      rss: this.rss,
    };
  }
}
