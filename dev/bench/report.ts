/** The run's results: targets checked, a table on stdout, JSON on disk. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../stack/paths.js';
import { BASELINE_STEPS, FIRST_TASK_WAIT } from './baseline/run.js';
import type { CpuUse, MachineState, machine } from './cpu.js';
import { EARLY_LINK_GET, EMAIL_WAIT, KEY_STEPS } from './end-to-end.js';
import type { HoldProgress, HoldResult } from './hold.js';
import type { Breakdown } from './breakdown.js';
import type { BenchOptions } from './options.js';
import type { ProfileSummary } from './profile.js';
import { LOOKUP_KINDS, type RegistryResult } from './registry.js';
import { ROUND_TRIP_MULTIPLE, roundTripRatio, type RoundTrips } from './round-trips.js';
import type { PeakRss } from './rss.js';
import type { Summary } from './stats.js';
import type { StoreCommands } from './store-commands.js';

export interface PhaseResult {
  count: number;
  completed: number;
  failureCount: number;
  /** The first few failures, with the step that failed. */
  failures: string[];
  /** Summed over the rounds. */
  wallMs: number;
  perSecond: number;
  /** Baseline and end-to-end rounds alternate. */
  rounds: number;
  steps: Record<string, Summary>;
  /** CPU milliseconds used by each process during the phase. */
  cpuMs: CpuUse;
  /** CPU milliseconds per thread name in the worker and the web (Rust core, libuv pool, GC...). */
  threadCpuMs: Record<string, Record<string, number>>;
  rss: Record<string, PeakRss>;
  /** Where the time goes, and the round trips, from the histories of every run that completed. */
  breakdown?: Breakdown;
  /** The shared store's commands per renewal (end to end only). */
  store?: StoreCommands;
}

export interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean | undefined;
}

export interface BenchResult {
  startedAt: string;
  finishedAt?: string;
  options: Omit<BenchOptions, 'skip' | 'help'> & { skip: string[] };
  machine: ReturnType<typeof machine>;
  machineBefore: MachineState;
  machineAfter?: MachineState;
  stackStartMs?: number;
  /** The worker's workflow cache (WORKER_MAX_CACHED_WORKFLOWS; 0: no cache). */
  workerMaxCachedWorkflows: number;
  baseline?: PhaseResult;
  e2e?: PhaseResult;
  comparison?: Comparison;
  hold?: HoldResult & { seedMs: number };
  /** The registry's look-ups at 1 000 accounts and at --accounts. */
  registry?: RegistryResult;
  /** What the hold phase had measured so far (kept when it is interrupted). */
  holdProgress?: HoldProgress;
  targets: Target[];
  /** With --cpu-prof: per process thread and phase, where the JavaScript time went. */
  profiles?: Record<string, Record<string, ProfileSummary>>;
  error?: string;
}

/** The renewal against the baseline, measured in the same run. */
export interface Comparison {
  throughputRatio: number;
  p99DiffMs: Record<string, number>;
  /**
   * CPU ms per renewal and per baseline set over all the stack's processes (Temporal, registry,
   * Mailpit, Redis, worker, web, baseline worker: every process the bench starts, each phase's idle
   * ones included); the bench driver, the load generator, is apart (STACK_CPU below).
   */
  cpu: { renewalMs: number; baselineMs: number; ratio: number };
  /** Round trips per renewal and per baseline set, from their histories (round-trips.ts). */
  roundTrips?: { renewal: RoundTrips; baseline: RoundTrips; ratio: number; multiple: number };
}

/** The targets' thresholds, in one place (docs/performance.md explains them). */
export const TARGETS = {
  throughputRatio: 0.4,
  p99DiffMs: 50,
  p99Concurrency: 8,
  cpuRatio: 2.5,
  waitingRenewals: 10_000,
  waitingPerSecond: 100,
  waitingWorkerMB: 200,
  lookupGrowth: 2,
  roundTripMultiple: ROUND_TRIP_MULTIPLE,
} as const;

const MB = 1_000_000 / 2 ** 20; // MiB per MB

/** The CPU of the stack's processes: every one measured but the bench driver (the load generator). */
export const stackCpuMs = (cpu: CpuUse) => Object.entries(cpu).reduce((sum, [name, ms]) => (name === 'bench driver' ? sum : sum + ms), 0);
const perRun = (total: number, count: number) => Math.round((total / (count || 1)) * 10) / 10;

export function compare(result: BenchResult): void {
  const { baseline, e2e } = result;
  if (!baseline || !e2e) return;
  const p99DiffMs: Record<string, number> = {};
  for (const step of KEY_STEPS) {
    const ours = e2e.steps[step]?.p99;
    const theirs = baseline.steps[BASELINE_STEPS[step]]?.p99;
    if (ours !== undefined && theirs !== undefined) p99DiffMs[step] = Math.round((ours - theirs) * 10) / 10;
  }
  const renewalMs = perRun(stackCpuMs(e2e.cpuMs), e2e.completed);
  const baselineMs = perRun(stackCpuMs(baseline.cpuMs), baseline.completed);
  const [ours, theirs] = [e2e.breakdown?.roundTrips, baseline.breakdown?.roundTrips];
  result.comparison = {
    throughputRatio: Math.round((e2e.perSecond / baseline.perSecond) * 1000) / 1000,
    p99DiffMs,
    cpu: { renewalMs, baselineMs, ratio: Math.round((renewalMs / (baselineMs || 1)) * 100) / 100 },
    ...(ours && theirs && ours.runs > 0 && theirs.runs > 0
      ? { roundTrips: { renewal: ours, baseline: theirs, ratio: roundTripRatio(ours, theirs), multiple: ROUND_TRIP_MULTIPLE } }
      : {}),
  };
}

export function evaluateTargets(result: BenchResult): void {
  const targets: Target[] = [];
  const { comparison, hold, options, registry } = result;
  if (comparison) {
    targets.push({
      name: 'throughput',
      target: `≥ ${TARGETS.throughputRatio} × baseline`,
      value: `${comparison.throughputRatio} × baseline`,
      met: comparison.throughputRatio >= TARGETS.throughputRatio,
    });
    const atC = options.c === TARGETS.p99Concurrency;
    for (const [step, diff] of Object.entries(comparison.p99DiffMs)) {
      targets.push({
        name: `${step} p99`,
        target: `≤ baseline p99 + ${TARGETS.p99DiffMs} ms at C = ${TARGETS.p99Concurrency}${atC ? '' : ` (this run: C = ${options.c})`}`,
        value: `${diff >= 0 ? '+' : ''}${diff} ms`,
        met: atC ? diff <= TARGETS.p99DiffMs : undefined,
      });
    }
    const { cpu } = comparison;
    targets.push({
      name: 'CPU per renewal',
      target: `≤ ${TARGETS.cpuRatio} × the baseline's (all the stack's processes)`,
      value: `${cpu.ratio} × (${cpu.renewalMs} ms against ${cpu.baselineMs} ms)`,
      met: cpu.ratio <= TARGETS.cpuRatio,
    });
    const trips = comparison.roundTrips;
    targets.push({
      name: 'round trips',
      target: `≤ ${TARGETS.roundTripMultiple} × the baseline's (from the histories; a regression fails the run)`,
      value: trips ? `${trips.ratio} × (${trips.renewal.total} per renewal against ${trips.baseline.total})` : 'not counted',
      met: trips ? trips.ratio <= TARGETS.roundTripMultiple : undefined,
    });
  }
  if (hold) {
    const full = hold.k === TARGETS.waitingRenewals;
    const thisK = full ? '' : ` (this run: K = ${hold.k})`;
    const waitingPerSecond = hold.allWaitingMs > 0 ? Math.round((hold.k / hold.allWaitingMs) * 1000 * 10) / 10 : 0;
    targets.push({
      name: `start rate, ${hold.k} waiting`,
      target: `${TARGETS.waitingRenewals} renewals waiting (link email out) at ≥ ${TARGETS.waitingPerSecond} /s${thisK}`,
      value: `${waitingPerSecond} /s (all waiting after ${(hold.allWaitingMs / 1000).toFixed(1)} s; requests answered at ${hold.startsPerSecond} /s)`,
      met: full ? waitingPerSecond >= TARGETS.waitingPerSecond : undefined,
    });
    const rss = hold.worker.waitingMiB;
    const peak = hold.worker.peakDuringStart.hwmMiB ?? hold.worker.peakDuringStart.polledPeakMiB;
    targets.push({
      name: `worker RSS, ${hold.k} waiting`,
      target: `< ${TARGETS.waitingWorkerMB} MB with ${TARGETS.waitingRenewals} waiting${thisK}`,
      value: rss === undefined ? 'not measured' : `${rss} MiB = ${Math.round(rss / MB)} MB while waiting (peak while starting ${peak} MiB)`,
      met: rss === undefined || !full ? undefined : rss / MB < TARGETS.waitingWorkerMB,
    });
    targets.push({
      name: 'waiting renewals still work',
      target: 'sample completes, short-TTL sample expires',
      value: `${hold.sample.completed}/${hold.sample.size} completed, ${hold.expiry.expired}/${hold.expiry.size} expired (${hold.expiry.deadLinkPages} dead-link answers)`,
      met:
        hold.sample.completed === hold.sample.size &&
        hold.expiry.expired === hold.expiry.size &&
        hold.expiry.deadLinkPages === hold.expiry.size,
    });
  }
  if (registry) {
    const [small, large] = [registry.sizes[0]!.accounts, registry.sizes.at(-1)!.accounts];
    targets.push({
      name: 'look-up growth',
      target: `≤ ${TARGETS.lookupGrowth} × from ${small} to ${large} accounts (p50 of the kind that grew most)`,
      value: `${registry.worst.p50Ratio} ×`,
      met: registry.worst.p50Ratio <= TARGETS.lookupGrowth,
    });
  }
  result.targets = targets;
}

/** Targets whose miss fails the run: correctness, and the round trips (a count, not a time). */
export const FAILING_TARGETS = ['waiting renewals still work', 'round trips'];

const pad = (s: string | number, n: number) => String(s).padStart(n);
const padEnd = (s: string, n: number) => s.padEnd(n);
const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'MISSED');

function summaryRow(label: string, s: Summary | undefined, width = 22): string {
  return `${padEnd(label, width)}${pad(s?.count ?? 0, 6)}${pad(ms(s?.p50), 9)}${pad(ms(s?.p95), 9)}${pad(ms(s?.p99), 9)}${pad(ms(s?.max), 9)}`;
}

function roundTripLine(r: RoundTrips): string {
  return (
    `${r.total} (${r.workflowTasks} workflow tasks + ${r.activityTasks} activity tasks + ${r.signals} signal-with-start/signals + ` +
    `${r.updates} updates + ${r.queries} query; ${r.minTotal}–${r.maxTotal} over ${r.runs} runs); ${r.localActivities} local activities, ${r.historyEvents} history events`
  );
}

function breakdownLines(b: Breakdown | undefined, per: string, log: (line: string) => void): void {
  if (!b) return;
  log(`Round trips per ${per}: ${roundTripLine(b.roundTrips)}`);
  log(`From ${b.workflows} histories (${b.workflowTasksPerRun} workflow tasks per run):`);
  for (const [span, summary] of Object.entries(b.spans)) log(`  ${summaryRow(span, summary, 44)}`);
}

function threadLines(threads: Record<string, Record<string, number>>, count: number, log: (line: string) => void): void {
  for (const [proc, byThread] of Object.entries(threads)) {
    const top = Object.entries(byThread)
      .slice(0, 6)
      .map(([name, ms]) => `${name} ${(ms / count).toFixed(1)}`);
    if (top.length > 0) log(`  ${proc} threads, CPU ms each: ${top.join(', ')}`);
  }
}

function profileLines(result: BenchResult, phase: string, count: number, log: (line: string) => void): void {
  for (const [thread, phases] of Object.entries(result.profiles ?? {})) {
    const p = phases[phase];
    if (!p || p.busyMs < count) continue; // less than 1 ms per renewal: not worth a line
    log(
      `  ${thread}: ${(p.busyMs / count).toFixed(1)} ms of JavaScript each: ${p.byCategory
        .slice(0, 6)
        .map(([c, ms]) => `${c} ${(ms / count).toFixed(1)}`)
        .join(', ')}`,
    );
  }
}

function rssLine(rss: Record<string, PeakRss>): string {
  return Object.entries(rss)
    .map(([name, r]) => `${name} ${r.hwmMiB ?? r.polledPeakMiB} MiB${r.hwmSincePhaseStart ? '' : ' (VmHWM since start)'}`)
    .join(', ');
}

function cpuLine(cpu: CpuUse, count: number): string {
  return Object.entries(cpu)
    .map(([name, used]) => `${name} ${(used / count).toFixed(1)}`)
    .join(', ');
}

export function printReport(result: BenchResult, log: (line: string) => void = console.log): void {
  const { baseline, e2e, comparison, hold, options } = result;
  const m = result.machine;
  log('');
  log(`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, ${m.os}, Node ${m.node}`);
  log(
    `Load average before ${result.machineBefore.loadAverage.join(' ')}${result.machineAfter ? `, after ${result.machineAfter.loadAverage.join(' ')}` : ''}`,
  );
  const header = `${padEnd('step', 22)}${pad('n', 6)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}`;
  if (baseline) {
    log('');
    log(
      `Baseline: ${baseline.completed}/${baseline.count} (start + query + update) at C = ${options.c} in ${(baseline.wallMs / 1000).toFixed(1)} s (${baseline.rounds} rounds): ${baseline.perSecond} /s`,
    );
    log(header);
    for (const step of Object.values(BASELINE_STEPS)) log(summaryRow(step, baseline.steps[step]));
    log(`${summaryRow(FIRST_TASK_WAIT, baseline.steps[FIRST_TASK_WAIT])}   (not a round trip: the worker's word, the "email")`);
    log(`Peak RSS: ${rssLine(baseline.rss)}`);
    log(`CPU ms per round-trip set: ${cpuLine(baseline.cpuMs, baseline.completed || 1)}`);
    threadLines(baseline.threadCpuMs, baseline.completed || 1, log);
    profileLines(result, 'baseline', baseline.completed || 1, log);
    log(`CPU ms per set over the stack's processes: ${perRun(stackCpuMs(baseline.cpuMs), baseline.completed)}`);
    breakdownLines(baseline.breakdown, 'set', log);
  }
  if (e2e) {
    log('');
    log(
      `End to end: ${e2e.completed}/${e2e.count} renewals at C = ${options.c} in ${(e2e.wallMs / 1000).toFixed(1)} s (${e2e.rounds} rounds): ${e2e.perSecond} renewals/s`,
    );
    log(header);
    for (const step of KEY_STEPS) {
      const diff = comparison?.p99DiffMs[step];
      log(
        `${summaryRow(step, e2e.steps[step])}${diff === undefined ? '' : `   p99 − baseline ${BASELINE_STEPS[step]}: ${diff >= 0 ? '+' : ''}${diff}`}`,
      );
    }
    log(summaryRow(`${EMAIL_WAIT} (not HTTP)`, e2e.steps[EMAIL_WAIT]));
    for (const step of ['form GET', 'confirmation GET', 'identifier GET']) log(summaryRow(step, e2e.steps[step]));
    // Link GETs answered 404 because the workflow had not recorded the emailed link yet (end-to-end.ts), then asked again.
    if (e2e.steps[EARLY_LINK_GET])
      log(`${summaryRow(EARLY_LINK_GET, e2e.steps[EARLY_LINK_GET])}   (404: the link not yet recorded; asked again)`);
    log(`Peak RSS: ${rssLine(e2e.rss)}`);
    log(`CPU ms per renewal: ${cpuLine(e2e.cpuMs, e2e.completed || 1)}`);
    threadLines(e2e.threadCpuMs, e2e.completed || 1, log);
    profileLines(result, 'e2e', e2e.completed || 1, log);
    log(
      `CPU ms per renewal over the stack's processes: ${perRun(stackCpuMs(e2e.cpuMs), e2e.completed)}${comparison ? ` (${comparison.cpu.ratio} × the baseline's)` : ''}`,
    );
    breakdownLines(e2e.breakdown, 'renewal', log);
    const trips = comparison?.roundTrips;
    if (trips) log(`Round trips: ${trips.ratio} × the baseline's (at most ${trips.multiple} ×: round-trips.ts)`);
    if (e2e.store) {
      const top = Object.entries(e2e.store.byCommand).map(([command, n]) => `${command} ${n}`);
      log(`Store (Redis) commands per renewal: ${e2e.store.perRenewal} (${top.join(', ')})`);
    }
    if (e2e.failureCount > 0) log(`FAILURES: ${e2e.failureCount}, e.g. ${e2e.failures.slice(0, 3).join(' | ')}`);
  }
  if (hold) {
    log('');
    log(`Hold: ${hold.k} renewals waiting for their link (worker cache: ${result.workerMaxCachedWorkflows} workflows)`);
    log(
      `  started in ${(hold.startMs / 1000).toFixed(1)} s (${hold.startsPerSecond} /s, ${hold.startFailures} failed, ${hold.window > 0 ? `at most ${hold.window} without their link at a time` : 'all at once'}); all waiting (link email sent) after ${hold.allWaitingMs === undefined ? '-' : (hold.allWaitingMs / 1000).toFixed(1)} s`,
    );
    log(
      `  worker RSS before ${hold.worker.idleMiB ?? '-'} MiB, while waiting ${hold.worker.waitingMiB ?? '-'} MiB; peak while starting ${hold.worker.peakDuringStart.hwmMiB ?? hold.worker.peakDuringStart.polledPeakMiB} MiB; after the sample ${hold.worker.afterSampleMiB ?? '-'} MiB`,
    );
    log(`  CPU ms per renewal started (until its link email is out): ${cpuLine(hold.cpuMsPerStart, 1)}`);
    log(`  Temporal counts ${hold.waitingCountedByTemporal} running renewals waiting for their link`);
    log(
      `  sample: ${hold.sample.completed}/${hold.sample.size} completed (linkState query p50 ${ms(hold.sample.linkState?.p50)} ms max ${ms(hold.sample.linkState?.max)} ms; submitSecret update p50 ${ms(hold.sample.submitSecret?.p50)} ms max ${ms(hold.sample.submitSecret?.max)} ms)`,
    );
    log(
      `  expiry: ${hold.expiry.expired}/${hold.expiry.size} expired with a ${hold.expiry.ttlMs / 1000} s link TTL, ${hold.expiry.deadLinkPages} links then answered "expired"`,
    );
    for (const failure of [...hold.sample.failures, ...hold.expiry.failures].slice(0, 5)) log(`  FAILURE ${failure}`);
  }
  if (!hold && result.holdProgress && Object.keys(result.holdProgress).length > 0) {
    const p = result.holdProgress;
    log('');
    log(
      `Hold (not finished): ${p.started ?? 0} of ${p.k ?? '?'} started${p.startMs === undefined ? '' : ` in ${(p.startMs / 1000).toFixed(1)} s`}, ${p.linkEmailsSent ?? 0} link emails sent after ${((p.elapsedMs ?? 0) / 1000).toFixed(0)} s; worker RSS ${p.workerRssMiB ?? '-'} MiB (peak ${p.workerPeakMiB ?? '-'} MiB)`,
    );
  }
  if (result.registry) registryLines(result.registry, log);
  if (result.targets.length > 0) {
    log('');
    log('Targets');
    for (const t of result.targets) log(`  ${padEnd(verdict(t.met), 7)} ${padEnd(t.name, 30)} ${t.value}   (target ${t.target})`);
  }
  if (result.error) log(`\nThe run stopped early: ${result.error}`);
}

function registryLines(r: RegistryResult, log: (line: string) => void): void {
  log('');
  log(
    `Registry look-ups on ${r.server}: ${r.lookups} of each at each size, one at a time; ${r.accounts} accounts (and ${r.sizes[0]!.accounts} beside them) seeded in ${(r.seedMs / 1000).toFixed(1)} s (${r.seedPerSecond} /s)`,
  );
  const at = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
  const [first, last] = [r.sizes[0]!.accounts, r.sizes.at(-1)!.accounts];
  log(
    `${padEnd('ms', 28)}${r.sizes.map((s) => `${pad(`p50 ${at(s.accounts)}`, 10)}${pad(`p99 ${at(s.accounts)}`, 10)}`).join('')}${pad(`${at(last)}/${at(first)} p50`, 18)}${pad('p99', 10)}`,
  );
  for (const kind of LOOKUP_KINDS) {
    const g = r.growth[kind];
    log(
      `${padEnd(kind, 28)}${r.sizes.map((s) => `${pad(ms(s.steps[kind]?.p50), 10)}${pad(ms(s.steps[kind]?.p99), 10)}`).join('')}${pad(`${g?.p50 ?? '-'} ×`, 18)}${pad(`${g?.p99 ?? '-'} ×`, 10)}`,
    );
  }
  if (r.serverRss)
    log(`Registry server RSS: peak ${r.serverRss.hwmMiB ?? r.serverRss.polledPeakMiB} MiB, at the end ${r.serverRss.lastMiB ?? '-'} MiB`);
}

/** Writes latest.json and a timestamped copy; returns the timestamped path. */
export function writeResults(result: BenchResult, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const stamped = join(dir, `bench-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, json);
  writeFileSync(join(dir, 'latest.json'), json);
  return relative(repoRoot, stamped);
}
