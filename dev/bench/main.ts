/**
 * `npm run bench`: starts its own stack (own ports, .data/bench/stack/ wiped), then measures
 *   1. the Temporal baseline: start, query, update on a bare workflow, N times, C at a time;
 *   2. end to end: N complete renewals through the real HTTP endpoints, C citizens at a time;
 *   3. hold: K renewals left waiting for their link, the worker's memory, a sample completed and
 *      a short-TTL sample expired;
 *   4. registry: the look-ups' cost at 1 000 accounts and at --accounts (registry.ts);
 * prints a table, writes JSON under .data/bench/results/ (or --data-dir), and stops everything,
 * also on Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import { connectTemporal, type TemporalClient } from '../../client/connect.js';
import { createRenewalClient } from '../../client/renewals.js';
import { createFieldSealer } from '../../codec/sealed-field.js';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';
import { StackError } from '../stack/errors.js';
import { embeddedServers } from '../stack/servers.js';
import { Stack } from '../stack/stack.js';
import { seedCitizens } from './accounts.js';
import { BaselineReadiness } from './baseline/ready.js';
import { baselineWorkflowId, runBaseline } from './baseline/run.js';
import { historyBreakdown } from './breakdown.js';
import { machine, machineState } from './cpu.js';
import { runEndToEnd } from './end-to-end.js';
import { benchEnvironment, resultsDir, stackDataDir } from './environment.js';
import { runHold, waitRenewalsDone } from './hold.js';
import { Mailpit } from './mailpit.js';
import { BENCH_PHASES, USAGE, parseOptions } from './options.js';
import { Phase } from './phase.js';
import { FAILING_TARGETS, compare, evaluateTargets, printReport, writeResults, type BenchResult } from './report.js';
import { monotonicUs, summariseProfiles, type Window } from './profile.js';
import { measureRegistry } from './registry.js';
import { benchTaskQueues, startBenchStack, waitForPollers, wipeDataDir, type BenchStack } from './stack.js';
import { Timings } from './stats.js';
import { commandLineOptions } from '../scripts/command-line.js';
import { connectStore } from '../../adapters/redis.js';
import { storeCommandMeter } from './store-commands.js';

const say = (line: string) => console.log(`[bench] ${line}`);

const options = commandLineOptions(parseOptions, USAGE);

const env = benchEnvironment(options, process.env);
const stack = new Stack(stackDataDir(options.dataDir));
const aborter = new AbortController();
const signal = aborter.signal;
const closers: (() => Promise<unknown>)[] = [];
let exiting: Promise<void> | undefined;

const result: BenchResult = {
  startedAt: new Date().toISOString(),
  options: { ...options, skip: [...options.skip] },
  machine: machine(),
  machineBefore: machineState(),
  workerMaxCachedWorkflows: -1, // set from the configuration once loaded
  targets: [],
};

async function cleanUp(): Promise<void> {
  await Promise.allSettled(closers.map((close) => close()));
  await stack.stop();
}

/** Stops the stack, then reports what was measured (all of it, or up to an interruption). */
async function finish(code: number): Promise<never> {
  evaluateTargets(result);
  if (result.targets.some((t) => FAILING_TARGETS.includes(t.name) && t.met === false)) code = Math.max(code, 1);
  result.finishedAt = new Date().toISOString();
  say('stopping the stack...');
  await cleanUp();
  try {
    if (options.cpuProf) result.profiles = summariseProfiles(profileDir, windows);
    result.machineAfter = machineState();
    printReport(result);
    say(`results: ${writeResults(result, resultsDir(options.dataDir))} (and latest.json beside it)`);
  } catch (err) {
    console.error(`[bench] could not write the results: ${(err as Error).message}`);
  }
  process.exit(code);
}

for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(name, () => {
    if (exiting) return say('still stopping the stack...');
    say(`${name}: stopping the stack, then reporting what was measured...`);
    result.error = `interrupted (${name})`;
    aborter.abort(new Error(result.error));
    exiting = finish(130);
  });
}

/** 0..count-1 but the failed: every measured run's history is read (where the time goes, its round trips). */
const completedRuns = (count: number, failed: Set<number>) => Array.from({ length: count }, (_, i) => i).filter((i) => !failed.has(i));

const windows: Record<string, Window[]> = {};
const profileDir = join(stackDataDir(options.dataDir), 'profiles');

/** The registry's look-ups at 1 000 accounts and at --accounts, on the stack's server or --registry-uri's. */
async function registryPhase(config: Config, serverPid: number | undefined): Promise<void> {
  const external = options.registryUri;
  const registry = await measureRegistry({
    uri: external ?? config.mongo.uri,
    // Credentials in an address stay out of the results.
    server: external ? external.replace(/\/\/[^@/]*@/, '//…@') : `the embedded registry server (${config.mongo.uri})`,
    accounts: options.accounts,
    lookups: options.lookups,
    serverPid: external ? undefined : serverPid,
    say,
    signal,
  });
  result.registry = registry;
  say(`  look-ups at ${registry.accounts} accounts: at most ${registry.worst.p50Ratio} × their p50 at 1 000 (${registry.worst.kind})`);
}

/** `--only registry`: the registry server alone (none with --registry-uri), then its look-ups. */
async function registryOnly(config: Config): Promise<number> {
  const servers = options.registryUri ? [] : embeddedServers(config).filter((spec) => spec.name === 'registry');
  stack.onUnexpectedExit((err) => aborter.abort(err));
  if (servers.length > 0) {
    const started = performance.now();
    await stack.start(servers);
    result.stackStartMs = Math.round(performance.now() - started);
    say(`registry server ready in ${(result.stackStartMs / 1000).toFixed(1)} s (log in ${config.dataDir}/logs/)`);
  }
  await registryPhase(config, stack.processes.find((p) => p.name === 'registry')?.pid);
  return 0;
}

async function main(): Promise<number> {
  const phases = BENCH_PHASES.filter((phase) => !options.skip.has(phase));
  say(
    `N = ${options.n}, C = ${options.c}, K = ${options.k}, accounts = ${options.accounts} (${phases.join(', ') || 'no phase'}); load average ${result.machineBefore.loadAverage.join(' ')}`,
  );
  wipeDataDir(stackDataDir(options.dataDir));
  // After the wipe: the secrets (payload key, renewal ID secret...) are generated now, once, for all processes.
  const config = loadConfig(env);
  result.workerMaxCachedWorkflows = config.temporal.maxCachedWorkflows;
  if (phases.length === 1 && phases[0] === 'registry') return registryOnly(config);
  const started = performance.now();
  const readiness = await BaselineReadiness.listen();
  closers.push(() => readiness.close());
  const bench: BenchStack = await startBenchStack(
    stack,
    config,
    env,
    { profileDir: options.cpuProf ? profileDir : undefined, serverConfig: options.serverConfig, baselineReadyPort: readiness.port },
    say,
  );
  // A process of the stack that dies ends the run at once, with its log tail.
  const died = bench.died.catch((err: Error) => {
    aborter.abort(err);
    throw err;
  });
  died.catch(() => {}); // reported by whichever wait it ends
  const guard = <T>(work: Promise<T>) => Promise.race([work, died]);

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
    renewalIdSecret: config.renewalIdSecret,
    sealer: createFieldSealer(config.fieldSeal),
    linkKey: config.linkKey,
  };
  const renewals = createRenewalClient({ ...renewalOptions, policy: config.renewal });
  const runId = randomBytes(3).toString('hex');
  const { pids } = bench;
  /** Renewals of the earlier phases that completed for their citizen (their runs then rest, open). */
  let renewalsCompleted = 0;
  const appPids = { worker: bench.worker.pid!, web: bench.web.pid!, 'baseline worker': bench.baselineWorker.pid! };

  if (!options.skip.has('baseline') || !options.skip.has('e2e')) {
    say(`seeding ${options.warmup + options.n} citizens...`);
    await registry.ensureIndexes();
    const warm = await guard(seedCitizens(registry, { prefix: 'W', count: options.warmup, distinctPasswords: true }));
    const citizens = await guard(seedCitizens(registry, { prefix: 'E', count: options.n, distinctPasswords: true }));

    say(`warming up (${options.warmup} of each)...`);
    const warmTimings = new Timings();
    const warmBaseline = await guard(
      runBaseline(baselineClient, readiness, `${runId}-warm`, 0, options.warmup, options.c, warmTimings, signal),
    );
    const warmE2e = await guard(runEndToEnd(config.web.publicBaseUrl, mailpit, warm, options.c, warmTimings, signal));
    const warmFailures = [...warmBaseline.failures, ...warmE2e.failures];
    if (warmFailures.length > 0) throw new Error(`warm-up failed: ${warmFailures[0]!.error}`);
    renewalsCompleted += warm.length;
    await guard(waitRenewalsDone(renewalTemporal.client, renewalsCompleted, 120_000, signal));

    // Baseline and end to end alternate, round after round, so that other work on the machine
    // (shared by other engineers' test runs) weighs on both alike.
    const baseline = new Phase(pids, appPids);
    const e2e = new Phase(pids, appPids);
    const runBaselinePhase = !options.skip.has('baseline');
    const runE2e = !options.skip.has('e2e');
    say(
      `${options.rounds} rounds of ${runBaselinePhase ? 'baseline (signal-with-start, query, update)' : ''}${runBaselinePhase && runE2e ? ' then ' : ''}` +
        `${runE2e ? 'end-to-end renewals through the web' : ''}, ${options.n} in all, ${options.c} at a time...`,
    );
    const store = await guard(connectStore(config.store.url));
    closers.push(() => store.quit());
    const storeCommands = await guard(storeCommandMeter(store));
    for (let round = 0; round < options.rounds; round++) {
      const from = Math.floor((round * options.n) / options.rounds);
      const to = Math.floor(((round + 1) * options.n) / options.rounds);
      if (runBaselinePhase) {
        await guard(
          baseline.round(to - from, from, (timings) =>
            runBaseline(baselineClient, readiness, runId, from, to - from, options.c, timings, signal),
          ),
        );
      }
      if (runE2e) {
        await guard(
          e2e.round(to - from, from, async (timings) => {
            const outcome = await runEndToEnd(config.web.publicBaseUrl, mailpit, citizens.slice(from, to), options.c, timings, signal);
            renewalsCompleted += to - from - outcome.failures.length;
            // The round's last notifications go out before the next round: their CPU counts, not
            // their time (the citizens already have their identifier). The runs then rest
            // (cooling-down) and stay open: the attempt has ended, the workflow has not.
            await waitRenewalsDone(renewalTemporal.client, renewalsCompleted, 120_000, signal);
            return outcome;
          }),
        );
      }
      say(`  round ${round + 1}/${options.rounds}: ${to} done`);
    }
    if (runBaselinePhase) {
      result.baseline = baseline.result();
      windows.baseline = baseline.windows;
      result.baseline.breakdown = await guard(
        historyBreakdown(
          baselineClient,
          completedRuns(options.n, baseline.failed).map((i) => baselineWorkflowId(runId, i)),
        ),
      );
      say(`  baseline ${result.baseline.perSecond} /s${result.baseline.failureCount ? `, ${result.baseline.failureCount} FAILED` : ''}`);
    }
    if (runE2e) {
      result.e2e = e2e.result();
      result.e2e.store = await guard(storeCommands(result.e2e.completed));
      windows.e2e = e2e.windows;
      result.e2e.breakdown = await guard(
        historyBreakdown(
          renewalTemporal.client,
          completedRuns(options.n, e2e.failed).map((i) => renewals.workflowIdFor(citizens[i]!.numic)),
        ),
      );
      say(`  end to end ${result.e2e.perSecond} renewals/s${result.e2e.failureCount ? `, ${result.e2e.failureCount} FAILED` : ''}`);
    }
    compare(result);
  }

  if (!options.skip.has('hold') && options.k > 0) {
    await guard(waitRenewalsDone(renewalTemporal.client, renewalsCompleted, 300_000, signal));
    say(`hold: seeding ${options.k + options.expirySample} citizens...`);
    const seedStarted = performance.now();
    const held = await guard(seedCitizens(registry, { prefix: 'H', count: options.k, distinctPasswords: false }));
    const expiring = await guard(seedCitizens(registry, { prefix: 'X', count: options.expirySample, distinctPasswords: false }));
    const seedMs = Math.round(performance.now() - seedStarted);
    const pacing = options.holdWindow > 0 ? `, at most ${options.holdWindow} without their link email yet` : ', all at once';
    say(
      `  seeded in ${(seedMs / 1000).toFixed(1)} s; starting ${options.k} renewals (${options.holdConcurrency} calls in flight${pacing})...`,
    );
    const holdStartUs = monotonicUs();
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
        window: options.holdWindow,
        expiryTtlMs: options.expiryTtlMs,
        workerPid: bench.worker.pid!,
        pids,
        progress: (result.holdProgress = {}),
        say,
        signal,
      }),
    );
    windows.hold = [{ startUs: holdStartUs, endUs: monotonicUs() }];
    result.hold = { ...hold, seedMs };
  }
  // Last: its 100 000 accounts (in a database of their own) would otherwise weigh on the server
  // under the other phases, which measure the renewals as they always did.
  if (!options.skip.has('registry')) await guard(registryPhase(config, pids.registry));
  // Missed targets are reported, not failed; renewals that went wrong fail the run.
  return (result.e2e?.failureCount ?? 0) + (result.baseline?.failureCount ?? 0);
}

let code: number;
try {
  code = (await main()) > 0 ? 1 : 0;
} catch (err) {
  code = 1;
  if (!exiting) {
    const known = err instanceof StackError || err instanceof ConfigError;
    result.error = known ? (err as Error).message : ((err as Error)?.stack ?? String(err));
  }
}
await (exiting ?? finish(code));
