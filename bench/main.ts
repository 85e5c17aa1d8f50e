/**
 * `npm run bench`: starts its own stack (own ports, .data/bench/stack/ wiped), then measures
 *   1. the Temporal baseline: start + 2 updates on a bare workflow, N times, C at a time;
 *   2. end to end: N complete renewals through the real HTTP endpoints, C citizens at a time;
 *   3. hold: K renewals left waiting for their link, the worker's memory, a sample completed and
 *      a short-TTL sample expired;
 * prints a table, writes JSON under .data/bench/results/, and stops everything, also on Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { connectRegistry, type Registry } from '../adapters/registry.js';
import { connectTemporal, type TemporalClient } from '../client/connect.js';
import { createRenewalClient } from '../client/renewals.js';
import { createFieldSealer } from '../codec/sealed-field.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { StackError } from '../stack/errors.js';
import { Stack } from '../stack/stack.js';
import { seedCitizens } from './accounts.js';
import { runBaseline } from './baseline/run.js';
import { cpuMeter, machine, machineState } from './cpu.js';
import { runEndToEnd } from './end-to-end.js';
import { benchEnvironment, resultsDir, stackDataDir } from './environment.js';
import { runHold, waitNoRenewalRunning } from './hold.js';
import { Mailpit } from './mailpit.js';
import { USAGE, UsageError, parseOptions, type BenchOptions } from './options.js';
import type { PoolResult } from './pool.js';
import { compare, evaluateTargets, printReport, writeResults, type BenchResult, type PhaseResult } from './report.js';
import { RssSampler } from './rss.js';
import { benchTaskQueues, startBenchStack, waitForPollers, wipeDataDir, type BenchStack } from './stack.js';
import type { Timings } from './stats.js';

const say = (line: string) => console.log(`[bench] ${line}`);

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

/** What the SDK picks when maxCachedWorkflows is not set (reuseV8Context): a share of the heap limit. */
function defaultMaxCachedWorkflows(): number {
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

const env = benchEnvironment(options, process.env);
const stack = new Stack(stackDataDir);
const aborter = new AbortController();
const signal = aborter.signal;
const closers: (() => Promise<unknown>)[] = [];
let exiting: Promise<void> | undefined;

async function cleanUp(): Promise<void> {
  await Promise.allSettled(closers.map((close) => close()));
  await stack.stop();
}

for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(name, () => {
    if (exiting) return say('still stopping the stack...');
    say(`${name}: stopping the stack...`);
    aborter.abort(new Error(`interrupted (${name})`));
    exiting = cleanUp().finally(() => process.exit(130));
  });
}

const result: BenchResult = {
  startedAt: new Date().toISOString(),
  options: { ...options, skip: [...options.skip] },
  machine: machine(),
  machineBefore: machineState(),
  workerMaxCachedWorkflows: defaultMaxCachedWorkflows(),
  targets: [],
};

async function measure(
  count: number,
  pids: Record<string, number>,
  rssOf: Record<string, number>,
  run: () => Promise<PoolResult & { timings: Timings }>,
): Promise<PhaseResult> {
  const cpu = cpuMeter(pids);
  const rss = new RssSampler(rssOf);
  const outcome = await run();
  const cpuMs = cpu();
  const peaks = rss.stop();
  const completed = count - outcome.failures.length;
  return {
    count,
    completed,
    failureCount: outcome.failures.length,
    failures: outcome.failures.slice(0, 10).map((f) => `#${f.index}: ${f.error}`),
    wallMs: Math.round(outcome.wallMs),
    perSecond: Math.round((completed / (outcome.wallMs / 1000)) * 100) / 100,
    steps: outcome.timings.summaries(),
    cpuMs,
    rss: peaks,
  };
}

async function main(): Promise<number> {
  say(`N = ${options.n}, C = ${options.c}, K = ${options.k}; load average ${result.machineBefore.loadAverage.join(' ')}`);
  wipeDataDir(stackDataDir);
  // After the wipe: the secrets (payload key, renewal ID secret...) are generated now, once, for all processes.
  const config = loadConfig(env);
  const started = performance.now();
  const bench: BenchStack = await startBenchStack(stack, config, env, say);
  const guard = <T>(work: Promise<T>) => Promise.race([work, bench.died.catch((err: Error) => {
    aborter.abort(err);
    throw err;
  })]);

  const renewalTemporal: TemporalClient = await connectTemporal(config);
  closers.push(() => renewalTemporal.close());
  const baselineConnection = await Connection.connect({ address: config.temporal.address });
  closers.push(() => baselineConnection.close());
  const baselineClient = new Client({ connection: baselineConnection, namespace: config.temporal.namespace });
  const registry: Registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  closers.push(() => registry.close());
  await guard(waitForPollers(baselineClient, config.temporal.namespace, benchTaskQueues(config)));
  result.stackStartMs = Math.round(performance.now() - started);
  say(`stack ready in ${(result.stackStartMs / 1000).toFixed(1)} s (logs in ${config.dataDir}/logs/)`);

  const mailpit = new Mailpit(config.smtp.mailpitUiPort, config.web.publicBaseUrl);
  const renewalOptions = {
    client: renewalTemporal.client,
    taskQueue: config.temporal.taskQueue,
    renewalIdSecret: config.temporal.renewalIdSecret,
    sealer: createFieldSealer(config.payloadCodec.fieldSealKey),
  };
  const renewals = createRenewalClient({ ...renewalOptions, policy: config.renewal });
  const runId = randomBytes(3).toString('hex');
  const { pids } = bench;
  const appPids = { worker: bench.worker.pid!, web: bench.web.pid!, 'baseline worker': bench.baselineWorker.pid! };

  if (!options.skip.has('baseline') || !options.skip.has('e2e')) {
    say(`seeding ${options.warmup + options.n} citizens...`);
    await registry.ensureIndexes();
    const warm = await guard(seedCitizens(registry, { prefix: 'W', count: options.warmup, distinctPasswords: true }));
    const citizens = await guard(seedCitizens(registry, { prefix: 'E', count: options.n, distinctPasswords: true }));

    say(`warming up (${options.warmup} of each)...`);
    const warmBaseline = await guard(runBaseline(baselineClient, `${runId}-warm`, options.warmup, options.c, signal));
    const warmE2e = await guard(runEndToEnd(config.web.publicBaseUrl, mailpit, warm, options.c, signal));
    const warmFailures = [...warmBaseline.failures, ...warmE2e.failures];
    if (warmFailures.length > 0) throw new Error(`warm-up failed: ${warmFailures[0]!.error}`);
    await guard(waitNoRenewalRunning(renewalTemporal.client, 120_000, signal));

    if (!options.skip.has('baseline')) {
      say(`baseline: ${options.n} × (signal-with-start + 2 updates), ${options.c} at a time...`);
      result.baseline = await guard(measure(options.n, pids, appPids, () => runBaseline(baselineClient, runId, options.n, options.c, signal)));
      say(`  ${result.baseline.perSecond} /s`);
    }
    if (!options.skip.has('e2e')) {
      say(`end to end: ${options.n} renewals through the web, ${options.c} citizens at a time...`);
      result.e2e = await guard(measure(options.n, pids, appPids, () => runEndToEnd(config.web.publicBaseUrl, mailpit, citizens, options.c, signal)));
      say(`  ${result.e2e.perSecond} renewals/s${result.e2e.failureCount ? `, ${result.e2e.failureCount} FAILED` : ''}`);
    }
    compare(result);
  }

  if (!options.skip.has('hold') && options.k > 0) {
    await guard(waitNoRenewalRunning(renewalTemporal.client, 300_000, signal));
    say(`hold: seeding ${options.k + options.expirySample} citizens...`);
    const seedStarted = performance.now();
    const held = await guard(seedCitizens(registry, { prefix: 'H', count: options.k, distinctPasswords: false }));
    const expiring = await guard(seedCitizens(registry, { prefix: 'X', count: options.expirySample, distinctPasswords: false }));
    const seedMs = Math.round(performance.now() - seedStarted);
    say(`  seeded in ${(seedMs / 1000).toFixed(1)} s; starting ${options.k} renewals (${options.holdConcurrency} in flight)...`);
    const hold = await guard(
      runHold({
        client: renewalTemporal.client,
        renewals,
        shortTtlRenewals: createRenewalClient({ ...renewalOptions, policy: { ...config.renewal, linkTtlMs: options.expiryTtlMs } }),
        mailpit,
        held,
        expiring,
        sample: options.sample,
        concurrency: options.holdConcurrency,
        expiryTtlMs: options.expiryTtlMs,
        workerPid: bench.worker.pid!,
        say,
        signal,
      }),
    );
    result.hold = { ...hold, seedMs };
  }
  // Missed targets are reported, not failed; renewals that went wrong fail the run.
  return (result.e2e?.failureCount ?? 0) + (result.baseline?.failureCount ?? 0);
}

let code = 0;
try {
  code = (await main()) > 0 ? 1 : 0;
} catch (err) {
  code = 1;
  const known = err instanceof StackError || err instanceof ConfigError;
  result.error = known ? (err as Error).message : ((err as Error)?.stack ?? String(err));
  if (exiting) await exiting;
} finally {
  if (!exiting) {
    evaluateTargets(result);
    if (result.targets.some((t) => t.name === 'waiting renewals still work' && t.met === false)) code = 1;
    result.finishedAt = new Date().toISOString();
    say('stopping the stack...');
    await cleanUp();
    result.machineAfter = machineState();
    printReport(result);
    say(`results: ${writeResults(result, resultsDir)} (and latest.json beside it)`);
  }
}
process.exit(code);
