/**
 * Every 5xx (and every request left without an answer) the citizens got, classified by the fault
 * windows: explained when a web instance was down (any error), or when Temporal, the registry or
 * a worker was down and the page said « Service momentanément indisponible » or, for a submission,
 * « en cours de traitement » (503); the link page
 * « pas encore actif » (503) is the product's own answer while a link email is being confirmed.
 * Anything else is unexplained. Each must have been retried successfully by its citizen: a later
 * request of the same citizen answered below 500.
 */
import type { Exchange } from './browser.js';
import type { InjectedFault } from './faults.js';
import { isPendingLinkPage, isUnavailablePage } from './journey.js';
import type { FaultKind } from './schedule.js';

/** After a service is back, its clients take a moment to reconnect: a window lasts this long after it. */
export const WINDOW_GRACE_MS = 10_000;

export type Explanation = 'web instance down' | 'Temporal down' | 'registry down' | 'worker down' | 'link not recorded yet' | 'unexplained';

export interface ErrorAnswer {
  citizen: number;
  step: string;
  method: string;
  path: string;
  status: number;
  title?: string;
  startMs: number;
  endMs: number;
  explanation: Explanation;
  /** The fault it is put down to (its kind and target). */
  fault?: string;
  /** A later request of the same citizen got an answer below 500 (not 0). */
  retriedSuccessfully: boolean;
}

export interface HttpAudit {
  requests: number;
  /** By status, every answer (0: no answer). */
  byStatus: Record<string, number>;
  errors: number;
  byExplanation: Partial<Record<Explanation, number>>;
  unexplained: ErrorAnswer[];
  notRetried: ErrorAnswer[];
  /** Every error answer, in time order. */
  errorAnswers: ErrorAnswer[];
}

const UNAVAILABLE_BECAUSE: Partial<Record<FaultKind, Explanation>> = {
  'temporal-restart': 'Temporal down',
  'registry-outage': 'registry down',
  'worker-kill': 'worker down',
};

const overlaps = (e: Exchange, f: InjectedFault) =>
  f.startMs !== undefined && e.endMs >= f.startMs && e.startMs <= (f.endMs ?? Number.POSITIVE_INFINITY) + WINDOW_GRACE_MS;

function explain(e: Exchange, faults: InjectedFault[]): { explanation: Explanation; fault?: string } {
  const during = faults.filter((f) => overlaps(e, f));
  const web = during.find((f) => f.kind === 'web-kill');
  // The unavailable page comes from an instance that is up: what it could not reach comes first.
  if (isUnavailablePage(e)) {
    // The nearest cause first: a server down over a worker down (a request can meet both).
    for (const kind of ['temporal-restart', 'registry-outage', 'worker-kill'] as const) {
      const cause = during.find((f) => f.kind === kind);
      if (cause) return { explanation: UNAVAILABLE_BECAUSE[kind]!, fault: `${cause.kind} ${cause.target}` };
    }
  }
  if (web) return { explanation: 'web instance down', fault: `${web.kind} ${web.target}` };
  if (isPendingLinkPage(e)) return { explanation: 'link not recorded yet' };
  return { explanation: 'unexplained' };
}

/** The audit's own requests (logins after recovery) are not the citizen going on. */
export const AUDIT_STEP_PREFIX = 'login audit';
const isAuditStep = (step: string) => step.startsWith(AUDIT_STEP_PREFIX);

export function auditHttp(exchanges: Exchange[], faults: InjectedFault[]): HttpAudit {
  const byStatus: Record<string, number> = {};
  for (const e of exchanges) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  const errorAnswers: ErrorAnswer[] = [];
  const sorted = [...exchanges].sort((a, b) => a.startMs - b.startMs);
  sorted.forEach((e, i) => {
    if (e.status !== 0 && e.status < 500) return;
    // As a person does: reloaded, and the portal answered again (the same step, or the page that
    // follows when the first attempt went through after all).
    const retriedSuccessfully = sorted
      .slice(i + 1)
      .some((later) => later.citizen === e.citizen && !isAuditStep(later.step) && later.status !== 0 && later.status < 500);
    errorAnswers.push({ ...e, ...explain(e, faults), retriedSuccessfully });
  });
  const byExplanation: HttpAudit['byExplanation'] = {};
  for (const e of errorAnswers) byExplanation[e.explanation] = (byExplanation[e.explanation] ?? 0) + 1;
  return {
    requests: exchanges.length,
    byStatus,
    errors: errorAnswers.length,
    byExplanation,
    unexplained: errorAnswers.filter((e) => e.explanation === 'unexplained'),
    notRetried: errorAnswers.filter((e) => !e.retriedSuccessfully),
    errorAnswers,
  };
}
