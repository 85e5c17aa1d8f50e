/**
 * Phase 3: K identifier renewals started through the client API (signal-with-start, as the web
 * does) for accounts that exist, so each sends its link email and waits. Measures the time to start
 * them and to have them all waiting, the worker's memory while they wait, then checks that a sample
 * still completes (link state read, password given) and that renewals started among them with a
 * short link TTL expire.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { RenewalClient } from '../../client/renewals.js';
import { RENEWAL_WORKFLOW_TYPE, type RenewalOutcome, type RenewalStage } from '../../workflows/definitions.js';
import type { BenchCitizen } from './accounts.js';
import { cpuMeter, type CpuUse } from './cpu.js';
import type { Mailpit } from './mailpit.js';
import { runPool } from './pool.js';
import { RssSampler, rssMiB, type PeakRss } from './rss.js';
import { Timings, type Summary } from './stats.js';

/** Updated as the hold goes, so that an interrupted run still reports it. */
export interface HoldProgress {
  k?: number;
  started?: number;
  startMs?: number;
  linkEmailsSent?: number;
  elapsedMs?: number;
  workerRssMiB?: number;
  workerPeakMiB?: number;
}

export interface HoldInputs {
  client: Client;
  renewals: RenewalClient;
  /** Same client with a short link TTL in its policy (the workflow takes its policy at start). */
  shortTtlRenewals: RenewalClient;
  mailpit: Mailpit;
  held: BenchCitizen[];
  expiring: BenchCitizen[];
  sample: number;
  concurrency: number;
  /** At most this many started renewals without their link email yet (0: all at once). */
  window: number;
  expiryTtlMs: number;
  workerPid: number;
  /** Every process of the stack: their CPU while the K renewals start, per renewal. */
  pids: Record<string, number>;
  progress: HoldProgress;
  say: (line: string) => void;
  signal?: AbortSignal;
}

export interface HoldResult {
  k: number;
  startFailures: number;
  /** The pacing window (0: all started at once). */
  window: number;
  /** All K signal-with-start calls answered. */
  startMs: number;
  startsPerSecond: number;
  /** All K (+ expiry sample) link emails sent: every renewal waits for its link. */
  allWaitingMs: number;
  /** CPU ms per renewal of each process from the first start until every link email is out. */
  cpuMsPerStart: CpuUse;
  /** Running renewals waiting for their link, as Temporal's visibility counts them, after the expiry check. */
  waitingCountedByTemporal: number;
  worker: {
    /** RSS before the first start (the worker has run the earlier phases). */
    idleMiB: number | undefined;
    /** RSS once all wait, after a settling period (median of the samples). */
    waitingMiB: number | undefined;
    peakDuringStart: PeakRss;
    afterSampleMiB: number | undefined;
  };
  sample: { size: number; completed: number; failures: string[]; linkState: Summary | undefined; submitSecret: Summary | undefined };
  expiry: { size: number; ttlMs: number; expired: number; deadLinkPages: number; failures: string[]; waitMs: number };
}

const RUNNING = `WorkflowType="${RENEWAL_WORKFLOW_TYPE}" AND ExecutionStatus="Running"`;
const WAITING = `${RUNNING} AND RenewalStage="waiting-for-link"`;
/**
 * The stages in which a renewal is busy: being looked up, changed or notified. After an attempt a
 * run usually stays open, resting ("cooling-down") while the account's memory matters (up to a
 * day), so "running" no longer means "busy". One waiting for its link is idle too (a timer): the
 * hold's renewals, or an end-to-end citizen's that failed (counted as a failure) before using it.
 */
const BUSY: RenewalStage[] = ['looking-up', 'changing', 'notifying'];
const BUSY_RENEWALS = `${RUNNING} AND RenewalStage IN (${BUSY.map((stage) => `"${stage}"`).join(', ')})`;
const COMPLETED = `WorkflowType="${RENEWAL_WORKFLOW_TYPE}" AND RenewalOutcome="completed"`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    signal?.throwIfAborted();
    if (Date.now() >= deadline) throw new Error(`${what}: not after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

/**
 * Waits until the earlier phases' renewals are done: at least `completed` of them ended
 * "completed" (which they do once their notifications are sent; visibility may lag behind a
 * stage, never ahead of it), and none is still busy (one whose citizen failed midway included).
 */
export async function waitRenewalsDone(client: Client, completed: number, timeoutMs = 120_000, signal?: AbortSignal): Promise<void> {
  let busy = 0;
  let done = 0;
  await until(
    'renewals of earlier phases done',
    async () => {
      const [b, d] = await Promise.all([client.workflow.count(BUSY_RENEWALS), client.workflow.count(COMPLETED)]);
      busy = b.count;
      done = d.count;
      return busy === 0 && done >= completed;
    },
    timeoutMs,
    signal,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (${done} of ${completed} completed, ${busy} still looked up, changed or notified)`);
  });
}

/**
 * The outcome of the account's attempt, once it has ended: read from the `status` query, since the
 * run usually stays open afterwards (an expired renewal with nothing to remember closes at once).
 */
async function attemptOutcome(
  renewals: RenewalClient,
  workflowId: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RenewalOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await renewals.status(workflowId);
    if (status.status === 'found' && status.outcome) return status.outcome;
    signal?.throwIfAborted();
    if (Date.now() >= deadline) throw new Error(`did not end after ${Math.round(timeoutMs / 1000)} s (${JSON.stringify(status)})`);
    await sleep(250);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runHold(h: HoldInputs): Promise<HoldResult> {
  const { client, renewals, mailpit, held, expiring, signal, say, progress } = h;
  progress.k = held.length;
  progress.started = 0;
  const mailBefore = await mailpit.count();
  const idleMiB = rssMiB(h.workerPid);
  const rss = new RssSampler({ worker: h.workerPid }, 250);
  const cpu = cpuMeter(h.pids);
  const started = performance.now();
  const track = (sent?: number) => {
    progress.elapsedMs = Math.round(performance.now() - started);
    progress.workerRssMiB = rssMiB(h.workerPid);
    progress.workerPeakMiB = Math.max(progress.workerPeakMiB ?? 0, progress.workerRssMiB ?? 0);
    if (sent !== undefined) progress.linkEmailsSent = sent;
  };

  // 1. Start them all, `concurrency` calls in flight; paced (when `window` > 0) so that at most
  // `window` renewals are started and still without their link email.
  let sent = 0;
  let failed = 0;
  let starting = true;
  const watcher = (async () => {
    let lastSay = Date.now();
    while (starting) {
      sent = (await mailpit.count().catch(() => mailBefore + sent)) - mailBefore;
      track(sent);
      if (Date.now() - lastSay > 15_000) {
        lastSay = Date.now();
        say(`  ${progress.started} started, ${sent} link emails sent (worker RSS ${progress.workerRssMiB} MiB)`);
      }
      await sleep(250);
    }
  })();
  const starts = await runPool(
    held.length,
    h.concurrency,
    async (i) => {
      while (h.window > 0 && progress.started! - failed - sent >= h.window) await sleep(50);
      progress.started!++;
      try {
        await renewals.requestRenewal({ kind: 'identifier', numic: held[i]!.numic, email: held[i]!.email });
      } catch (err) {
        failed++; // it will send no email: it no longer counts against the window
        throw err;
      }
    },
    signal,
  ).finally(() => (starting = false));
  await watcher;
  const startMs = performance.now() - started;
  progress.startMs = Math.round(startMs);
  say(`  ${held.length} started in ${(startMs / 1000).toFixed(1)} s; waiting for their link emails...`);
  // The short-TTL ones start last, so their timers fire while the K others wait.
  const expiryStarted = performance.now();
  for (const c of expiring) await h.shortTtlRenewals.requestRenewal({ kind: 'identifier', numic: c.numic, email: c.email });

  // 2. Every renewal waits once its link email is out.
  const expected = mailBefore + held.length - starts.failures.length + expiring.length;
  let lastReport = Date.now();
  let progressAt = { count: mailBefore, at: Date.now() };
  await until(
    'all link emails sent',
    async () => {
      const count = await mailpit.count();
      track(count - mailBefore);
      if (count > progressAt.count) progressAt = { count, at: Date.now() };
      else if (Date.now() - progressAt.at > 120_000)
        throw new Error(`no link email for 2 minutes (${count - mailBefore} of ${expected - mailBefore} sent): see the worker log`);
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        say(`  ${count - mailBefore} of ${expected - mailBefore} link emails sent (worker RSS ${rssMiB(h.workerPid)} MiB)`);
      }
      return count >= expected;
    },
    Number.POSITIVE_INFINITY,
    signal,
  );
  const allWaitingMs = performance.now() - started;
  const startCpu = cpu();
  const startedCount = held.length + expiring.length;
  const cpuMsPerStart = Object.fromEntries(
    Object.entries(startCpu).map(([name, ms]) => [name, Math.round((ms / (startedCount || 1)) * 10) / 10]),
  );
  const peakDuringStart = rss.stop();

  // 3. Memory while they wait: a settling period, sampled.
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    signal?.throwIfAborted();
    const now = rssMiB(h.workerPid);
    if (now !== undefined) samples.push(now);
    await sleep(500);
  }
  const waitingMiB = median(samples);
  say(`  all waiting after ${(allWaitingMs / 1000).toFixed(1)} s; worker RSS ${waitingMiB} MiB`);

  // 4. The short-TTL renewals expire, and their links then say so.
  const expiry = { size: expiring.length, ttlMs: h.expiryTtlMs, expired: 0, deadLinkPages: 0, failures: [] as string[], waitMs: 0 };
  await Promise.all(
    expiring.map(async (c) => {
      try {
        const outcome = await attemptOutcome(renewals, renewals.workflowIdFor(c.numic), h.expiryTtlMs + 180_000, signal);
        if (outcome !== 'expired') throw new Error(`ended ${outcome}, expected expired`);
        expiry.expired++;
        const link = await mailpit.findLink(c.email);
        if (!link) throw new Error('no link email');
        const state = await renewals.linkState('identifier', link.token);
        if (state.status !== 'dead' || state.reason !== 'expired') throw new Error(`link answers ${JSON.stringify(state)}`);
        expiry.deadLinkPages++;
      } catch (err) {
        expiry.failures.push(`${c.numic}: ${(err as Error).message}`);
      }
    }),
  );
  expiry.waitMs = Math.round(performance.now() - expiryStarted);
  const waitingCountedByTemporal = (await client.workflow.count(WAITING)).count;

  // 5. A sample spread over the K (first, last and between: cached and evicted alike) completes.
  const size = Math.min(h.sample, held.length);
  const picks = Array.from({ length: size }, (_, i) => (size === 1 ? 0 : Math.round((i * (held.length - 1)) / (size - 1))));
  const timings = new Timings();
  const failures: string[] = [];
  let completed = 0;
  await runPool(
    size,
    4,
    async (i) => {
      const c = held[picks[i]!]!;
      try {
        const link = await mailpit.findLink(c.email);
        if (!link) throw new Error('no link email');
        const state = await timings.time('linkState', () => renewals.linkState('identifier', link.token));
        if (state.status !== 'open') throw new Error(`link answers ${JSON.stringify(state)}`);
        const answer = await timings.time('submitSecret', () => renewals.submitSecret('identifier', link.token, c.password));
        if (answer.status !== 'completed' || answer.kind !== 'identifier') throw new Error(`password answers ${JSON.stringify(answer)}`);
        if (answer.identifier === c.identifier) throw new Error('the old identifier came back');
        const end = await attemptOutcome(renewals, renewals.workflowIdFor(c.numic), 60_000, signal);
        if (end !== 'completed') throw new Error(`ended ${end}`);
        completed++;
      } catch (err) {
        failures.push(`${c.numic}: ${(err as Error).message}`);
      }
    },
    signal,
  );
  const summaries = timings.summaries();

  return {
    k: held.length,
    startFailures: starts.failures.length,
    window: h.window,
    startMs: Math.round(startMs),
    startsPerSecond: Math.round((held.length / startMs) * 1000 * 10) / 10,
    allWaitingMs: Math.round(allWaitingMs),
    cpuMsPerStart,
    waitingCountedByTemporal,
    worker: { idleMiB, waitingMiB, peakDuringStart: peakDuringStart.worker!, afterSampleMiB: rssMiB(h.workerPid) },
    sample: { size, completed, failures, linkState: summaries.linkState, submitSecret: summaries.submitSecret },
    expiry,
  };
}
