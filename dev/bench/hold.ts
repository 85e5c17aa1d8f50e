/**
 * Phase 3: K renewals started through the client API (signal-with-start, as the web does) for
 * accounts that exist, so each sends its link email and waits. Measures the time to start them and
 * to have them all waiting, the worker's memory while they wait, then checks that a sample still
 * completes (link opened, password given) and that renewals started among them with a short link
 * TTL expire.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { RenewalClient } from '../../client/renewals.js';
import type { BenchCitizen } from './accounts.js';
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
  sample: { size: number; completed: number; failures: string[]; openLink: Summary | undefined; submitPassword: Summary | undefined };
  expiry: { size: number; ttlMs: number; expired: number; deadLinkPages: number; failures: string[]; waitMs: number };
}

const WAITING = 'WorkflowType="renewalWorkflow" AND ExecutionStatus="Running" AND RenewalStage="waiting-for-link"';
const RUNNING = 'WorkflowType="renewalWorkflow" AND ExecutionStatus="Running"';

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    signal?.throwIfAborted();
    if (Date.now() >= deadline) throw new Error(`${what}: not after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

/** Waits until no renewal runs (the previous phase's notifications are sent). */
export async function waitNoRenewalRunning(client: Client, timeoutMs = 120_000, signal?: AbortSignal): Promise<void> {
  await until('renewals of earlier phases closed', async () => (await client.workflow.count(RUNNING)).count === 0, timeoutMs, signal);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runHold(h: HoldInputs): Promise<HoldResult> {
  const { client, renewals, mailpit, held, expiring, signal, say, progress } = h;
  progress.k = held.length;
  progress.started = 0;
  const mailBefore = await mailpit.count();
  const idleMiB = rssMiB(h.workerPid);
  const rss = new RssSampler({ worker: h.workerPid }, 250);
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
        await renewals.requestRenewal({ numic: held[i]!.numic, email: held[i]!.email });
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
  for (const c of expiring) await h.shortTtlRenewals.requestRenewal({ numic: c.numic, email: c.email });

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
        const workflowId = renewals.workflowIdFor(c.numic);
        const { outcome } = await Promise.race([
          renewals.result(workflowId),
          sleep(h.expiryTtlMs + 180_000).then(() => Promise.reject(new Error('did not end'))),
        ]);
        if (outcome !== 'expired') throw new Error(`ended ${outcome}, expected expired`);
        expiry.expired++;
        const link = await mailpit.findLink(c.email);
        if (!link) throw new Error('no link email');
        const state = await renewals.openLink(link.token);
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
        const opened = await timings.time('openLink', () => renewals.openLink(link.token));
        if (opened.status !== 'open') throw new Error(`link answers ${JSON.stringify(opened)}`);
        const outcome = await timings.time('submitPassword', () => renewals.submitPassword(link.token, c.password));
        if (outcome.status !== 'completed') throw new Error(`password answers ${JSON.stringify(outcome)}`);
        if (outcome.identifier === c.identifier) throw new Error('the old identifier came back');
        const { outcome: end } = await renewals.result(renewals.workflowIdFor(c.numic));
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
    waitingCountedByTemporal,
    worker: { idleMiB, waitingMiB, peakDuringStart: peakDuringStart.worker!, afterSampleMiB: rssMiB(h.workerPid) },
    sample: { size, completed, failures, openLink: summaries.openLink, submitPassword: summaries.submitPassword },
    expiry,
  };
}
