/** The chaos run's verdict, its table on stdout and its JSON on disk. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineState, machine } from '../bench/cpu.js';
import type { AccountsAudit } from './audit.js';
import type { InjectedFault } from './faults.js';
import type { HttpAudit } from './http-audit.js';
import type { JourneyResult } from './journey.js';
import { NEAR, type MemoryLine } from './memory.js';
import type { ChaosOptions } from './options.js';
import { FAULT_WORDS, type Plan } from './schedule.js';
import type { StackEvent } from './stack.js';

export interface ChaosReport {
  startedAt: string;
  finishedAt?: string;
  /** The command that replays this run's plan. */
  replay: string;
  options: Omit<ChaosOptions, 'help'>;
  machine: ReturnType<typeof machine>;
  machineBefore: MachineState;
  machineAfter?: MachineState;
  plan: Pick<Plan, 'seed' | 'small' | 'windowMs' | 'faults'> & { identifierRenewals: number; passwordRenewals: number };
  stackStartMs?: number;
  /** Driver clock (ms since the run began) when the drive began: fault and request times count from it in the table. */
  driveOriginMs?: number;
  /** From the drive's start to the last citizen's end. */
  driveMs?: number;
  /** From the last citizen's end until Temporal counted no renewal busy. */
  settleMs?: number;
  faults: InjectedFault[];
  /** What the stack's restart policy did on its own (kills brought back, crashes). */
  stackEvents: StackEvent[];
  journeys: JourneyResult[];
  accounts?: AccountsAudit;
  http?: HttpAudit;
  memory?: MemoryLine[];
  verdict: { pass: boolean; failures: string[] };
  error?: string;
}

/** Every reason the run fails; none: it passes. */
export function judge(report: ChaosReport): ChaosReport['verdict'] {
  const failures: string[] = [];
  const a = report.accounts;
  if (report.error) failures.push(`the run did not finish: ${report.error.split('\n')[0]}`);
  if (a) {
    if (a.lost.length > 0) failures.push(`${a.lost.length} lost (renewals or accounts)`);
    if (a.stuck > 0) failures.push(`${a.stuck} renewals stuck (running, not resting)`);
    if (a.failedOrTerminated > 0) failures.push(`${a.failedOrTerminated} runs failed or terminated`);
    if (a.twoIdentifiers.length > 0) failures.push(`${a.twoIdentifiers.length} accounts with two identifiers`);
    if (a.oldCredentialsAccepted.length > 0) failures.push(`${a.oldCredentialsAccepted.length} old credentials still accepted`);
    if (a.messages.missing.length > 0) failures.push(`${a.messages.missing.length} accounts missing a message`);
    if (a.messages.duplicated.length > 0) failures.push(`${a.messages.duplicated.length} accounts with a duplicated message`);
  } else if (!report.error) failures.push('no audit');
  if (report.http && report.http.unexplained.length > 0) failures.push(`${report.http.unexplained.length} unexplained 5xx`);
  if (report.http && report.http.notRetried.length > 0) failures.push(`${report.http.notRetried.length} 5xx never retried successfully`);
  return { pass: failures.length === 0, failures };
}

const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const pad = (text: string | number, width: number) => String(text).padEnd(width);
const padStart = (text: string | number, width: number) => String(text).padStart(width);

function inFlight(journeys: JourneyResult[], from: number, to: number): number {
  return journeys.filter((j) => j.startMs <= to && (j.endMs ?? Number.POSITIVE_INFINITY) >= from).length;
}

export function printReport(r: ChaosReport): void {
  const out: string[] = [];
  const origin = r.driveOriginMs ?? 0;
  const m = r.machine;
  out.push('');
  out.push(
    `Chaos run, seed ${r.plan.seed}${r.plan.small ? ' (small)' : ''}: ${r.options.renewals} renewals, ${r.options.concurrency} at a time`,
  );
  out.push(`  replay: ${r.replay}`);
  out.push(
    `  machine: ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, ${m.os}, Node ${m.node}; load before ${r.machineBefore.loadAverage.join(' ')}`,
  );
  out.push(`  stack start ${s(r.stackStartMs)}, drive ${s(r.driveMs)}, settle ${s(r.settleMs)}`);
  out.push('');
  out.push('Faults injected (times from the start of the drive)');
  out.push(`  ${pad('at', 9)}${pad('back after', 12)}${pad('fault', 46)}${pad('target', 12)}renewals in flight`);
  for (const f of [...r.faults].sort((a, b) => (a.startMs ?? Infinity) - (b.startMs ?? Infinity))) {
    const back = f.startMs !== undefined && f.endMs !== undefined ? s(f.endMs - f.startMs) : '–';
    const flying = f.startMs === undefined ? '–' : inFlight(r.journeys, f.startMs, f.endMs ?? f.startMs);
    const at = f.startMs === undefined ? `(${s(f.atMs)})` : s(f.startMs - origin);
    out.push(
      `  ${pad(at, 9)}${pad(back, 12)}${pad(FAULT_WORDS[f.kind], 46)}${pad(f.target, 12)}${flying}${f.error ? `  FAILED: ${f.error.split('\n')[0]}` : ''}`,
    );
  }
  if (r.stackEvents.length > 0) {
    out.push(`  the stack's restart policy (${r.stackEvents.length} lines):`);
    for (const e of r.stackEvents) out.push(`    ${pad(s(e.atMs - origin), 9)}${e.line}`);
  }
  const a = r.accounts;
  out.push('');
  if (a) {
    const outcomes = Object.entries(a.runOutcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    out.push(
      `Renewals: ${a.renewals} driven (${r.plan.identifierRenewals} identifier, ${r.plan.passwordRenewals} password), ` +
        `${a.completed} completed, ${a.lost.length} lost`,
    );
    out.push(`  answers lost after the change (result page not seen): ${a.notShown}; citizens who started again: ${a.restarted}`);
    for (const j of r.journeys.filter((x) => x.notShown > 0)) {
      const then = j.kind === 'identifier' ? `started again (${j.starts} renewals)` : 'the password came by SMS';
      out.push(`    citizen ${j.index} (${j.kind}): ${j.notShown} answer(s) lost, ${then}`);
    }
    out.push(`  runs: ${a.runs} (${outcomes}); stuck (running, not resting): ${a.stuck}; failed or terminated: ${a.failedOrTerminated}`);
    out.push(
      `Accounts with two identifiers: ${a.twoIdentifiers.length}; old credentials accepted: ${a.oldCredentialsAccepted.length}; ` +
        `logins checked: ${a.logins.asExpected}/${a.logins.tried} as expected`,
    );
    const t = a.messages.totals;
    out.push(
      `Messages: link emails ${t.linkEmails} (${t.distinctLinks} distinct links, ${t.linksRecorded} recorded by the runs; ` +
        `${a.messages.repeatedLinkEmails} repeated), change notices ${t.changeNoticeEmails} by email and ${t.changeSms} by SMS, ` +
        `other emails ${t.otherEmails}`,
    );
    out.push(
      `  accounts missing a message: ${a.messages.missing.length}; with a duplicated one: ${a.messages.duplicated.length}; ` +
        `SMS sends refused during the outage: ${a.messages.smsRefusedWhileFailing}, repeated with the same key (delivered once): ${a.messages.smsRepeatedSameKey}`,
    );
    for (const f of [...a.lost, ...a.twoIdentifiers, ...a.oldCredentialsAccepted, ...a.messages.missing, ...a.messages.duplicated].slice(
      0,
      20,
    )) {
      out.push(`  ! citizen ${f.citizen} ${f.numic}: ${f.problem}`);
    }
  }
  const h = r.http;
  if (h) {
    const explained = Object.entries(h.byExplanation)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    out.push(
      `HTTP: ${h.requests} requests; 5xx or no answer: ${h.errors}${explained ? ` (${explained})` : ''}; unexplained: ${h.unexplained.length}; not retried successfully: ${h.notRetried.length}`,
    );
    if (h.errorAnswers.length > 0) {
      out.push(`  ${pad('at', 9)}${pad('took', 8)}${pad('status', 8)}${pad('step', 26)}explanation`);
      const shown = h.errorAnswers.length > 40 ? [...h.unexplained, ...h.notRetried, ...h.errorAnswers].slice(0, 40) : h.errorAnswers;
      for (const e of [...new Set(shown)].sort((x, y) => x.startMs - y.startMs)) {
        out.push(
          `  ${pad(s(e.startMs - origin), 9)}${pad(s(e.endMs - e.startMs), 8)}${pad(e.status || 'none', 8)}${pad(e.step, 26)}${e.explanation}` +
            `${e.fault ? ` (${e.fault})` : ''}${e.retriedSuccessfully ? '' : ', NOT retried successfully'}${e.explanation === 'unexplained' ? ` « ${e.title ?? ''} »` : ''}`,
        );
      }
      if (h.errorAnswers.length > 40) out.push(`  ... ${h.errorAnswers.length} in all, every one in the JSON`);
    }
  }
  if (r.memory) {
    out.push(`Memory (RSS MiB before the first fault → after recovery; near: ≤ ${NEAR.factor} × before + ${NEAR.plusMiB} MiB)`);
    for (const line of r.memory) {
      const verdict = line.near === undefined ? '–' : line.near ? 'near' : 'NOT near';
      out.push(
        `  ${pad(line.process, 12)}${padStart(line.beforeMiB ?? '–', 6)} → ${pad(line.afterMiB ?? '–', 6)}${pad(verdict, 10)}${line.restarted ? 'restarted in between' : ''}`,
      );
    }
  }
  out.push('');
  out.push(r.verdict.pass ? 'Verdict: PASS' : `Verdict: FAIL (${r.verdict.failures.join('; ')})`);
  if (r.error) out.push(`Error: ${r.error}`);
  console.log(out.join('\n'));
}

/** The JSON, without the passwords the citizens received (generated, but passwords all the same): their count only. */
export function writeReport(report: ChaosReport, file: string): void {
  const journeys = report.journeys.map(({ passwordsReceived, oldPasswords, ...journey }) => ({
    ...journey,
    passwordsReceived: passwordsReceived.length,
    oldPasswords: oldPasswords.length,
  }));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...report, journeys }, null, 2)}\n`);
}
