/**
 * `npm run chaos`: starts its own stack (own ports, .data/chaos/stack/ wiped), seeds accounts,
 * drives renewals of both kinds through the real pages while it injects the faults of a schedule
 * drawn from a printed seed (worker kills, Temporal restarted, registry, Mailpit and SMS gateway
 * outages, a web instance killed), waits for every renewal to end, audits every account, run,
 * message and HTTP answer, prints a table, writes JSON, and stops everything, also on Ctrl-C.
 * See docs/chaos.md.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import { connectTemporal, type TemporalClient } from '../../client/connect.js';
import { createRenewalOperations } from '../../client/operations.js';
import { ConfigError, loadConfig } from '../../config/index.js';
import { StackError } from '../stack/errors.js';
import { seedCitizens } from '../bench/accounts.js';
import { machine, machineState } from '../bench/cpu.js';
import { waitRenewalsDone } from '../bench/hold.js';
import { waitForPollers, wipeDataDir } from '../bench/stack.js';
import { auditAccounts } from './audit.js';
import { HttpLog } from './browser.js';
import { drive } from './driver.js';
import { SMS_GATEWAY_TOKEN, chaosEnvironment, smsGatewayPort, stackDataDir } from './environment.js';
import { injectFaults, type InjectedFault } from './faults.js';
import { auditHttp } from './http-audit.js';
import type { ChaosCitizen, JourneyResult } from './journey.js';
import { Mailbox } from './mailbox.js';
import { compareRss, snapshotRss } from './memory.js';
import { USAGE, parseOptions } from './options.js';
import { judge, printReport, writeReport, type ChaosReport } from './report.js';
import { drawPlan } from './schedule.js';
import { SmsGateway } from './sms-gateway.js';
import { ChaosStack } from './stack.js';
import { commandLineOptions } from '../scripts/command-line.js';

const say = (line: string) => console.log(`[chaos] ${line}`);

const options = commandLineOptions(parseOptions, USAGE);

const { help: _help, ...shownOptions } = options;
const replay = [
  'npm run chaos --',
  `--seed ${options.seed}`,
  options.small ? '--small' : '',
  `--renewals ${options.renewals}`,
  `--concurrency ${options.concurrency}`,
]
  .filter(Boolean)
  .join(' ');

const t0 = performance.now();
const clock = () => performance.now() - t0;
const aborter = new AbortController();
const signal = aborter.signal;
setMaxListeners(0, signal); // every citizen's waits and every fault's listen to it
const closers: (() => Promise<unknown>)[] = [];
const log = new HttpLog(clock);
const sms = new SmsGateway(SMS_GATEWAY_TOKEN, clock);
const journeys: JourneyResult[] = [];
const faults: InjectedFault[] = [];
let chaos: ChaosStack | undefined;
let exiting: Promise<void> | undefined;

const report: ChaosReport = {
  startedAt: new Date().toISOString(),
  replay,
  options: shownOptions,
  machine: machine(),
  machineBefore: machineState(),
  plan: { seed: options.seed, small: options.small, windowMs: 0, faults: [], identifierRenewals: 0, passwordRenewals: 0 },
  faults,
  stackEvents: [],
  journeys,
  verdict: { pass: false, failures: [] },
};

async function finish(code: number): Promise<never> {
  report.finishedAt = new Date().toISOString();
  say('stopping the stack...');
  await Promise.allSettled(closers.map((close) => close()));
  await chaos?.stop();
  await sms.close();
  report.stackEvents = chaos?.events ?? [];
  report.http ??= auditHttp(log.exchanges, faults);
  report.machineAfter = machineState();
  report.verdict = judge(report);
  try {
    printReport(report);
    writeReport(report, options.json);
    say(`report: ${options.json}`);
  } catch (err) {
    console.error(`[chaos] could not write the report: ${(err as Error).message}`);
  }
  process.exit(report.verdict.pass ? code : Math.max(code, 1));
}

for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(name, () => {
    if (exiting) return say('still stopping the stack...');
    say(`${name}: stopping the stack, then reporting what was seen...`);
    report.error = `interrupted (${name})`;
    aborter.abort(new Error(report.error));
    exiting = finish(130);
  });
}

async function main(): Promise<void> {
  const dataDir = stackDataDir(options.dataDir);
  wipeDataDir(dataDir);
  // After the wipe: the secrets (payload key, renewal ID secret...) are generated now, once, for all processes.
  const env = chaosEnvironment(options, process.env);
  const config = loadConfig(env);
  const patienceMs = options.small ? 150_000 : 480_000;

  await sms.listen(smsGatewayPort(options.portBase)).catch((err: NodeJS.ErrnoException) => {
    throw new StackError(
      err.code === 'EADDRINUSE'
        ? `Port ${smsGatewayPort(options.portBase)} (the SMS gateway) is already in use: change --port-base.`
        : err.message,
    );
  });
  chaos = new ChaosStack(dataDir, config, env, clock);
  const stack = chaos;
  const died = stack.died.catch((err: Error) => {
    aborter.abort(err);
    throw err;
  });
  died.catch(() => {});
  const guard = <T>(work: Promise<T>) => Promise.race([work, died]);

  say(`${options.renewals} renewals, ${options.concurrency} at a time; seed ${options.seed} (replay: ${replay})`);
  await stack.start(say);
  const temporal: TemporalClient = await connectTemporal(config);
  closers.push(() => temporal.close());
  const registry: Registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  closers.push(() => registry.close());
  await guard(waitForPollers(temporal.client, config.temporal.namespace, [config.temporal.taskQueue]));
  report.stackStartMs = Math.round(clock());
  say(`stack ready in ${(clock() / 1000).toFixed(1)} s (logs in ${config.dataDir}/logs/)`);

  say(`seeding ${options.renewals} accounts...`);
  await registry.ensureIndexes();
  const seeded = await guard(seedCitizens(registry, { prefix: 'C', count: options.renewals, distinctPasswords: true }));
  const citizens: ChaosCitizen[] = await Promise.all(
    seeded.map(async (c, index) => {
      const account = await registry.findByNumic(c.numic);
      if (!account) throw new Error(`seeded account ${c.numic} not found`);
      return { index, numic: c.numic, email: c.email, phone: account.phone, identifier: c.identifier, password: c.password };
    }),
  );

  const plan = drawPlan({
    seed: options.seed,
    small: options.small,
    renewals: options.renewals,
    workers: stack.workers,
    webInstances: stack.webInstances,
    registry: stack.registry,
  });
  const kinds = plan.citizens.map((c) => c.kind);
  report.plan = {
    seed: plan.seed,
    small: plan.small,
    windowMs: plan.windowMs,
    faults: plan.faults,
    identifierRenewals: kinds.filter((k) => k === 'identifier').length,
    passwordRenewals: kinds.filter((k) => k === 'password').length,
  };
  faults.push(...plan.faults.map((f) => ({ ...f })));
  say(
    `plan (seed ${plan.seed}): ${report.plan.identifierRenewals} identifier and ${report.plan.passwordRenewals} password renewals ` +
      `starting over ${(plan.windowMs / 1000).toFixed(0)} s; ${faults.length} faults:`,
  );
  for (const f of plan.faults)
    say(`  at ${(f.atMs / 1000).toFixed(1)} s: ${f.kind} ${f.target}${f.downMs ? ` for ${f.downMs / 1000} s` : ''}`);

  const mailbox = new Mailbox(config.smtp.mailpitUiPort, config.web.publicBaseUrl);
  closers.push(() => mailbox.stop());
  const origin = clock();
  report.driveOriginMs = Math.round(origin);
  const firstFault = Math.min(...plan.faults.map((f) => f.atMs));
  const rssBefore = sleep(Math.max(0, firstFault - 1_000), undefined, { signal }).then(() => snapshotRss(stack.pids()));
  rssBefore.catch(() => {});

  say('driving the renewals while injecting the faults...');
  const injecting = injectFaults({ stack, sms, clock, originMs: origin, recoveryTimeoutMs: 120_000, say, signal }, faults);
  injecting.catch((err: Error) => aborter.abort(err));
  await guard(
    Promise.all([
      injecting,
      drive({
        ctx: { baseUrl: config.web.publicBaseUrl, log, mailbox, sms, patienceMs, signal },
        citizens,
        plans: plan.citizens,
        concurrency: options.concurrency,
        originMs: origin,
        results: journeys,
        progress: (done) => {
          if (done % Math.max(1, Math.round(options.renewals / 10)) === 0 || done === options.renewals) {
            say(`  ${done}/${options.renewals} renewals ended (${journeys.filter((j) => j.outcome !== 'completed').length} failed)`);
          }
        },
      }),
    ]),
  );
  report.driveMs = Math.round(clock() - origin);

  say('waiting until Temporal counts no renewal busy...');
  const settling = clock();
  const known = journeys.reduce((n, j) => n + j.identifiersShown.length + j.passwordsReceived.length, 0);
  await guard(waitRenewalsDone(temporal.client, known, options.small ? 60_000 : 300_000, signal));
  report.settleMs = Math.round(clock() - settling);

  say('auditing accounts, runs, messages and answers...');
  const operations = createRenewalOperations({ client: temporal.client, renewalIdSecret: config.renewalIdSecret });
  report.accounts = await guard(
    auditAccounts({
      client: temporal.client,
      workflowIdFor: operations.workflowIdFor,
      registry,
      mailbox,
      sms,
      log,
      baseUrl: config.web.publicBaseUrl,
      citizens,
      results: journeys,
    }),
  );
  report.http = auditHttp(log.exchanges, faults);
  report.memory = compareRss(await rssBefore, snapshotRss(stack.pids()), stack.names);
}

let code = 0;
try {
  await main();
} catch (err) {
  code = 1;
  if (!exiting) {
    const known = err instanceof StackError || err instanceof ConfigError;
    report.error = known ? (err as Error).message : ((err as Error)?.stack ?? String(err));
  }
}
await (exiting ?? finish(code));
