/**
 * The fast tier of the workflow tests: credentialRenewalWorkflow on the Java time-skipping test
 * server with stub activities (test/support/stub-activities.ts), and no other server (no registry,
 * Mailpit, SMS outbox or Redis). The worker is the real one (worker/create-worker.ts) in all but its
 * activities: the same workflow bundle options, data converter (payload codec and failure
 * converter) and workflow cache. The tests drive the workflow through its own definitions
 * (workflows/definitions.ts), the signals, updates and queries the client API sends.
 *
 * One server and one worker per test file; every test makes its own account (its own workflow ID)
 * and reads only its own calls. The server's clock is shared: `sleep` moves it for every run.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as pause } from 'node:timers/promises';
import { WorkflowIdReusePolicy, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogEntry,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import { resendRejection } from '../../../client/operations.js';
import { createDataConverter } from '../../../codec/data-converter.js';
import { normaliseEmail } from '../../../domain/account-keys.js';
import { buildWorkflowBundle, prebuiltWorkflowBundle, workflowBundleOptions } from '../../../worker/workflow-bundle.js';
import type { credentialRenewalWorkflow } from '../../../workflows/credential-renewal.js';
import {
  DEAD_LINK_FAILURE,
  RENEWAL_WORKFLOW_TYPE,
  cancelSignal,
  linkStateQuery,
  requestSignal,
  resendLinkUpdate,
  statusQuery,
  submitSecretUpdate,
  type DeadLinkReason,
  type LinkState,
  type RenewalKind,
  type RenewalPolicy,
  type RenewalStatus,
  type ResendLinkResult,
  type SubmitSecretResult,
} from '../../../workflows/definitions.js';
import { RenewalKind as RenewalKindKey } from '../../../workflows/search-attributes.js';
import { testConfig } from '../../support/config.js';
import {
  ALLOWANCE_EMAILS,
  createStubActivities,
  type CallRecord,
  type StubAccount,
  type StubActivities,
} from '../../support/stub-activities.js';
import { timeSkippingEnv } from '../../support/temporal.js';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
/** The window of the hourly email allowance (`maxLinkEmailsPerHour`). */
export const HOUR = 60 * MINUTE;

/** What authenticates each kind: the password for a new identifier, the identifier for a new password. */
export const secretOf = (kind: RenewalKind, account: StubAccount) => (kind === 'identifier' ? account.password : account.identifier);
export const otherKind = (kind: RenewalKind): RenewalKind => (kind === 'identifier' ? 'password' : 'identifier');

export interface FastAccount extends StubAccount {
  workflowId: string;
}

/** A link the stub emailed: the hash the workflow knows it by, and the run that sent it. */
export interface SentLink {
  hash: string;
  runId: string;
  /** On the server's clock: the activity was scheduled then; the workflow records the link just after. */
  scheduledAt: number;
}

/** The outcome of a submission: the handler's answer, or the validator's rejection (nothing written). */
export type Submission = SubmitSecretResult | { status: 'rejected'; reason: DeadLinkReason | undefined };

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/**
 * The workflow bundle, built once per test run for every fast-tier file (they run in separate
 * processes): the first builds it as `npm run build:workflows` does, the others wait for it and load
 * it as the worker loads WORKFLOW_BUNDLE_PATH (checked against the workflow code on disk).
 */
async function sharedWorkflowBundle(dataDir: string): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
  const file = join(dataDir, 'build', 'fast-tier', 'workflow-bundle.js');
  const failed = `${file}.failed`;
  mkdirSync(dirname(file), { recursive: true });
  let builder = false;
  try {
    closeSync(openSync(`${file}.lock`, 'wx'));
    builder = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const inMemory = async () => ({ code: (await bundleWorkflowCode({ ...workflowBundleOptions, logger: quietLogger })).code });
  if (builder) {
    try {
      await buildWorkflowBundle(file, quietLogger);
    } catch (err) {
      writeFileSync(failed, String(err));
      throw err;
    }
  } else {
    const deadline = Date.now() + 120_000;
    while (!existsSync(file) && !existsSync(failed) && Date.now() < deadline) await pause(100);
    if (!existsSync(file)) return inMemory();
  }
  try {
    return await prebuiltWorkflowBundle(file);
  } catch {
    return inMemory(); // the workflow code changed on disk since: bundle what is there now
  }
}

/** A failure a stub was told to make (stub-activities.ts `failNext`): expected, so not logged. */
const isSimulated = (entry: LogEntry) => /panne simulée/.test(String((entry.meta?.error as Error | undefined)?.message));

/**
 * The SDK's logging for this test process: warnings and errors, except the stubs' simulated failures
 * and the core's own warnings (a test ends runs with tasks in flight on purpose).
 */
export function installRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        if (!isSimulated(entry)) console.warn(`[temporal ${entry.level}] ${entry.message}`, entry.meta ?? '');
      }),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
  } catch {
    // already installed in this process
  }
}

/**
 * A worker like the real one (worker/create-worker.ts) in all but its activities: the stubs. Same
 * workflow bundle options, data converter (payload codec and failure converter) and workflow cache.
 */
export async function createStubWorker(connection: NativeConnection, namespace: string, taskQueue: string, stubs: StubActivities) {
  installRuntime();
  const config = testConfig();
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: await sharedWorkflowBundle(config.dataDir),
    activities: stubs.activities,
    dataConverter: createDataConverter(config.payloadCodec),
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
  });
}

export interface FastTierOptions {
  /**
   * Runs the worker in a process of its own (stub-worker.ts), whose calls come back to `stubs` here:
   * for a scenario that may crash the worker process, which then takes neither the test process nor
   * the test server with it. `failNext` and `holdNext` need the worker in this process.
   */
  workerProcess?: boolean;
}

/** The stub worker in this process: its `run()`, and how it stops. */
async function inProcessWorker(env: TestWorkflowEnvironment, taskQueue: string, stubs: StubActivities) {
  const worker = await createStubWorker(env.nativeConnection, env.namespace ?? 'default', taskQueue, stubs);
  let failure: unknown;
  const running = worker.run().catch((err: unknown) => {
    failure = err;
  });
  return {
    failure: () => failure,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** The stub worker in a child process (stub-worker.ts); its calls are recorded in `stubs` here. */
async function childProcessWorker(env: TestWorkflowEnvironment, taskQueue: string, stubs: StubActivities) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./stub-worker.ts', import.meta.url))], {
    env: {
      ...process.env,
      STUB_WORKER_ADDRESS: env.address,
      STUB_WORKER_NAMESPACE: env.namespace ?? 'default',
      STUB_WORKER_TASK_QUEUE: taskQueue,
    },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = `the stub worker process ended (${signal ?? `exit code ${code}`}):\n${stderr}`;
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: true; call?: CallRecord }) => {
      if (message.ready) resolve();
      if (message.call) stubs.ingest(message.call);
    });
    void exited.then(() => reject(new Error(exit)));
  });
  await ready;
  return {
    failure: () => (exit === undefined ? undefined : new Error(exit)),
    async stop() {
      if (exit === undefined) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startFastTier({ workerProcess = false }: FastTierOptions = {}) {
  installRuntime();
  const config = testConfig();
  const policy: RenewalPolicy = config.renewal;
  const dataConverter = createDataConverter(config.payloadCodec);
  await sharedWorkflowBundle(config.dataDir); // before the test server: it gives a server 5 s to start
  const env: TestWorkflowEnvironment = await timeSkippingEnv({ client: { dataConverter } });
  const stubs = createStubActivities({ remote: workerProcess });
  const taskQueue = `renouvellements-rapides-${randomUUID()}`;
  let worker: Awaited<ReturnType<typeof inProcessWorker>>;
  try {
    worker = await (workerProcess ? childProcessWorker : inProcessWorker)(env, taskQueue, stubs);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const { client } = env;
  const started = new Set<string>();
  const handle = (account: FastAccount, runId?: string) =>
    client.workflow.getHandle<typeof credentialRenewalWorkflow>(account.workflowId, runId);

  /** Asks `read` again until `check` holds; fails after `timeoutMs`, naming what it waited for and what it last saw. */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (worker.failure()) throw worker.failure();
      const value = await read();
      if (check(value)) return value;
      if (Date.now() > deadline) throw new Error(`still waiting for ${what}; last seen: ${JSON.stringify(value)}`);
      await pause(50);
    }
  }

  const tier = {
    env,
    client,
    stubs,
    /** The policy every renewal starts with: the configuration's (config/index.ts), as the web passes it. */
    policy,
    taskQueue,
    handle,

    /** A fresh account of the stub registry and the workflow ID of its renewals. */
    newAccount(): FastAccount {
      const account = stubs.newAccount();
      return { ...account, workflowId: `renouvellement-rapide-${account.numic}` };
    },

    /**
     * A citizen's request, as the client sends it (client/renewals.ts `requestRenewal`): signal-with-start,
     * so it starts a run or reaches the one in flight. Returns the run that received it.
     */
    async request(account: FastAccount, kind: RenewalKind, { email = account.email, policy: own = policy } = {}): Promise<string> {
      started.add(account.workflowId);
      const signalled = await client.workflow.signalWithStart(RENEWAL_WORKFLOW_TYPE, {
        workflowId: account.workflowId,
        taskQueue,
        args: [{ numic: account.numic, policy: own }],
        signal: requestSignal,
        signalArgs: [{ kind, email: normaliseEmail(email) }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [{ key: RenewalKindKey, value: kind }],
      });
      return signalled.signaledRunId;
    },

    /** The `status` query of the account's latest run. */
    status(account: FastAccount, runId?: string): Promise<RenewalStatus> {
      return handle(account, runId).query(statusQuery);
    },

    /** Waits until the latest run's status satisfies `check`. */
    untilStatus(account: FastAccount, check: (status: RenewalStatus) => boolean, what: string): Promise<RenewalStatus> {
      return eventually(() => tier.status(account), check, what);
    },

    /** Waits until the attempt has an outcome (the run then rests or closes) and returns its status. */
    ended(account: FastAccount): Promise<RenewalStatus> {
      return tier.untilStatus(account, (s) => s.outcome !== undefined, `an outcome for ${account.workflowId}`);
    },

    /**
     * The n-th link the account's renewals emailed (1 = the first, across runs), once the workflow
     * has recorded it (no longer `pending`).
     */
    async link(account: FastAccount, n = 1): Promise<SentLink> {
      const sent = (await stubs.waitForCalls('emailRenewalLink', n, { workflowId: account.workflowId }))[n - 1]!;
      const link = { hash: sent.result.linkHash, runId: sent.runId, scheduledAt: sent.scheduledAt };
      await eventually(
        () => tier.linkState(account, link.hash, link.runId),
        (s) => s.status !== 'pending',
        `link ${n} recorded`,
      );
      return link;
    },

    /** The `linkState` query, on the given run (a link names its run) or the latest. */
    linkState(account: FastAccount, linkHash: string, runId?: string): Promise<LinkState> {
      return handle(account, runId).query(linkStateQuery, { linkHash });
    },

    /** The `submitSecret` update with the typed secret (the stub compares it as typed: no sealing here). */
    async submit(account: FastAccount, link: { hash: string; runId?: string }, kind: RenewalKind, secret: string): Promise<Submission> {
      try {
        return await handle(account, link.runId).executeUpdate(submitSecretUpdate, {
          args: [{ linkHash: link.hash, kind, sealedSecret: secret }],
        });
      } catch (err) {
        const reason = deadLinkRejection(err);
        if (reason === false) throw err;
        return { status: 'rejected', reason };
      }
    },

    async resend(account: FastAccount): Promise<ResendLinkResult> {
      try {
        return await handle(account).executeUpdate(resendLinkUpdate);
      } catch (err) {
        const reason = resendRejection(err); // as the operators' tool reads a refusal
        if (!reason) throw err;
        return { status: 'refused', reason };
      }
    },

    async cancel(account: FastAccount, reason = 'fin du test'): Promise<void> {
      await handle(account).signal(cancelSignal, { reason });
    },

    /**
     * Waits until the latest run has done everything it had to do: no workflow task and no activity
     * in flight. A run waiting for something new is idle; one still handling requests is not.
     */
    async idle(account: FastAccount): Promise<void> {
      await eventually(() => tier.history(account), isQuiet, `${account.workflowId} to be idle`);
    },

    /** The run's result: awaiting it lets the test server skip time until the run closes (continue-as-new followed). */
    result(account: FastAccount) {
      return handle(account).result();
    },

    async history(account: FastAccount, runId?: string) {
      return (await handle(account, runId).fetchHistory()).events ?? [];
    },

    /** The test server's clock. */
    now: () => env.currentTimeMs(),
    /** Moves the test server's clock (and every run's timers) forward. */
    sleep: (ms: number) => env.sleep(ms),
    eventually,

    /** The emails the hourly allowance counts (links and refusals), in the order they went. */
    allowanceEmails(account: FastAccount): CallRecord[] {
      return stubs.allCalls(account).filter((c) => (ALLOWANCE_EMAILS as readonly string[]).includes(c.activity));
    },

    /**
     * Ends every run the test left open, so that no timer of it fires in a later test. Each is first
     * left to finish what it is doing: the test server never frees the clock of a run terminated with
     * a workflow task or an activity in flight, and time would no longer skip for any run.
     */
    async cleanup(): Promise<void> {
      stubs.releaseAll();
      await Promise.all(
        [...started].map(async (workflowId) => {
          const run = client.workflow.getHandle(workflowId);
          try {
            if ((await run.describe()).status.name !== 'RUNNING') return;
            await eventually(
              () => run.fetchHistory(),
              (h) => isQuiet(h.events ?? []),
              `${workflowId} to be idle`,
              5_000,
            );
            await run.terminate('fin du test');
          } catch {
            // already closed, or still busy: left to the server's end
          }
        }),
      );
      started.clear();
    },

    async stop(): Promise<void> {
      await tier.cleanup();
      await worker.stop();
      await env.teardown();
    },
  };
  return tier;
}

export type FastTier = Awaited<ReturnType<typeof startFastTier>>;

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

/** No workflow task and no activity of the run in flight: every one scheduled has ended. */
function isQuiet(events: HistoryEvent[]): boolean {
  const count = (has: (e: HistoryEvent) => unknown) => events.filter(has).length;
  const tasks = count((e) => e.workflowTaskScheduledEventAttributes);
  const tasksDone = count(
    (e) => e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes,
  );
  const activities = count((e) => e.activityTaskScheduledEventAttributes);
  const activitiesDone = count(
    (e) =>
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes,
  );
  return tasks === tasksDone && activities === activitiesDone;
}

/** The reason a validator's rejection carries, or false for any other error. */
function deadLinkRejection(err: unknown): DeadLinkReason | undefined | false {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return false;
  if (err.cause.type !== DEAD_LINK_FAILURE) return false;
  return err.cause.details?.[0] as DeadLinkReason | undefined;
}
