/**
 * After recovery: what every account, every renewal run and every message says, against what each
 * citizen saw. Definitions (docs/chaos.md):
 * - lost: a renewal whose citizen did not end with working credentials, a run that ended other
 *   than `completed`, an account whose registry record is not what its citizen holds;
 * - stuck: a running renewal that is not resting (`RenewalStage` not `cooling-down`), per Temporal's
 *   visibility; a run that failed or was terminated;
 * - two identifiers: an account that more than one identifier opens or resolves to, or whose
 *   identifier another account has;
 * - messages: per account, one link email per link its runs recorded (`linksSent` of each run's
 *   `status` query: as many distinct links, and no link emailed twice), one change notice email
 *   and one SMS per completed run (the gateway delivers a repeated idempotency key once).
 */
import type { Client } from '@temporalio/client';
import type { Registry } from '../../adapters/registry.js';
import { SMS } from '../../copy/emails.js';
import { PATHS } from '../../domain/paths.js';
import { RENEWAL_WORKFLOW_TYPE, statusQuery, type RenewalOutcome, type RenewalStatus } from '../../workflows/definitions.js';
import { runPool } from '../bench/pool.js';
import { Browser, type HttpLog } from './browser.js';
import { AUDIT_STEP_PREFIX } from './http-audit.js';
import { isTransient, passwordInSms, type ChaosCitizen, type JourneyResult } from './journey.js';
import type { Mailbox } from './mailbox.js';
import type { SmsGateway } from './sms-gateway.js';

export const RUNNING_NOT_RESTING =
  `WorkflowType = '${RENEWAL_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND ` +
  `(RenewalStage IS NULL OR RenewalStage != 'cooling-down')`;
export const FAILED_OR_TERMINATED = `WorkflowType = '${RENEWAL_WORKFLOW_TYPE}' AND ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut', 'Canceled')`;

export interface AccountFinding {
  citizen: number;
  numic: string;
  problem: string;
}

export interface MessageCounts {
  /** Link emails received, and how many distinct links they carried. */
  linkEmails: number;
  distinctLinks: number;
  /** Links the account's runs recorded (sum of linksSent). */
  linksRecorded: number;
  changeNoticeEmails: number;
  changeSms: number;
  otherEmails: number;
}

export interface AuditInputs {
  client: Client;
  workflowIdFor: (numic: string) => string;
  registry: Registry;
  mailbox: Mailbox;
  sms: SmsGateway;
  log: HttpLog;
  baseUrl: string;
  citizens: ChaosCitizen[];
  results: JourneyResult[];
}

export interface AccountsAudit {
  renewals: number;
  completed: number;
  /** Citizens whose renewal did not complete, with why. */
  failedJourneys: { citizen: number; kind: string; error: string }[];
  restarted: number;
  notShown: number;
  runs: number;
  runOutcomes: Partial<Record<RenewalOutcome | 'none', number>>;
  stuck: number;
  failedOrTerminated: number;
  lost: AccountFinding[];
  twoIdentifiers: AccountFinding[];
  oldCredentialsAccepted: AccountFinding[];
  logins: { tried: number; asExpected: number };
  messages: {
    totals: MessageCounts;
    missing: AccountFinding[];
    duplicated: AccountFinding[];
    /** The same link emailed more than once (a retried link activity). */
    repeatedLinkEmails: number;
    /** SMS sends repeated with the same idempotency key, which the gateway delivered once. */
    smsRepeatedSameKey: number;
    /** SMS sends answered 503 during the gateway's outage (retried by the workflow). */
    smsRefusedWhileFailing: number;
  };
}

interface RunStatus {
  runId: string;
  execution: string;
  status?: RenewalStatus;
  error?: string;
}

async function runsOf(client: Client, workflowId: string): Promise<RunStatus[]> {
  const runs: RunStatus[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: info.runId, execution: info.status.name });
  }
  for (const run of runs) {
    try {
      run.status = await client.workflow.getHandle(workflowId, run.runId).query(statusQuery);
    } catch (err) {
      run.error = (err as Error).message;
    }
  }
  return runs;
}

/** POSTs the login form through the portal: 'accepted' (→ the account page), 'refused' (401), or what came. */
async function logIn(browser: Browser, identifier: string, password: string): Promise<string> {
  for (let tries = 0; tries < 5; tries++) {
    const form = await browser.get(`${AUDIT_STEP_PREFIX} GET`, PATHS.login);
    if (isTransient(form)) continue;
    const posted = await browser.post(`${AUDIT_STEP_PREFIX} POST`, PATHS.login, { identifiant: identifier, motDePasse: password });
    if (isTransient(posted)) continue;
    if (posted.status === 303 && posted.location === PATHS.account) return 'accepted';
    if (posted.status === 401) return 'refused';
    return `HTTP ${posted.status}`;
  }
  return 'no answer after 5 tries';
}

export async function auditAccounts(a: AuditInputs): Promise<AccountsAudit> {
  const results = new Map(a.results.map((r) => [r.index, r]));
  const lost: AccountFinding[] = [];
  const twoIdentifiers: AccountFinding[] = [];
  const oldCredentialsAccepted: AccountFinding[] = [];
  const missing: AccountFinding[] = [];
  const duplicated: AccountFinding[] = [];
  const runOutcomes: AccountsAudit['runOutcomes'] = {};
  const totals: MessageCounts = { linkEmails: 0, distinctLinks: 0, linksRecorded: 0, changeNoticeEmails: 0, changeSms: 0, otherEmails: 0 };
  const logins = { tried: 0, asExpected: 0 };
  let runCount = 0;
  let repeatedLinkEmails = 0;
  const holders = new Map<string, number[]>();

  await a.mailbox.refresh(true);
  const driven = a.citizens.filter((c) => results.has(c.index));
  await runPool(driven.length, 8, async (i) => {
    const citizen = driven[i]!;
    const result = results.get(citizen.index)!;
    const finding = (list: AccountFinding[], problem: string) => list.push({ citizen: citizen.index, numic: citizen.numic, problem });

    // The runs of the account's renewals, and what each says.
    const runs = await runsOf(a.client, a.workflowIdFor(citizen.numic));
    runCount += runs.length;
    let completedRuns = 0;
    let linksRecorded = 0;
    for (const run of runs) {
      const outcome = run.status?.outcome ?? 'none';
      runOutcomes[outcome] = (runOutcomes[outcome] ?? 0) + 1;
      if (run.error) finding(lost, `run ${run.runId} (${run.execution}) does not answer its status query: ${run.error}`);
      else if (outcome === 'completed') completedRuns++;
      else finding(lost, `run ${run.runId} (${run.execution}) ended ${outcome}, stage ${run.status?.stage}`);
      linksRecorded += run.status?.linksSent ?? 0;
    }
    if (result.outcome !== 'completed') finding(lost, `the citizen's renewal did not complete: ${result.error}`);

    // The registry: the account holds what the citizen holds, nothing else resolves to it.
    const account = await a.registry.findByNumic(citizen.numic);
    if (!account) {
      finding(lost, 'the account is gone from the registry');
      return;
    }
    holders.set(account.identifier, [...(holders.get(account.identifier) ?? []), citizen.index]);
    if (account.identifier !== citizen.identifier) {
      finding(
        result.identifiersShown.length > 0 ? twoIdentifiers : lost,
        `the registry has identifier ${account.identifier}, the citizen holds ${citizen.identifier}`,
      );
    }
    if ((await a.registry.findByIdentifier(citizen.identifier))?.id !== account.id)
      finding(lost, 'the citizen’s identifier resolves to no account or another one');
    for (const old of result.oldIdentifiers) {
      if (await a.registry.findByIdentifier(old)) finding(twoIdentifiers, `the old identifier ${old} still resolves to an account`);
    }

    // Through the portal's login: the current credentials open a session, every old one is refused.
    const browser = new Browser(a.baseUrl, a.log, citizen.index);
    const expect = async (identifier: string, password: string, wanted: 'accepted' | 'refused', list: AccountFinding[], what: string) => {
      logins.tried++;
      const got = await logIn(browser, identifier, password);
      if (got === wanted) logins.asExpected++;
      else finding(list, `${what}: login ${got}, expected ${wanted}`);
    };
    await expect(citizen.identifier, citizen.password, 'accepted', lost, 'current identifier and password');
    for (const old of result.oldIdentifiers)
      await expect(old, citizen.password, 'refused', oldCredentialsAccepted, `old identifier ${old}`);
    for (const old of result.oldPasswords) await expect(citizen.identifier, old, 'refused', oldCredentialsAccepted, 'old password');

    // Messages: one link email per recorded link, one change notice by email and by SMS per completed run.
    const mail = a.mailbox.to(citizen.email);
    const links = mail.filter((m) => m.what.type === 'link');
    const distinct = new Set(links.map((m) => m.token)).size;
    const notices = mail.filter((m) => m.what.type === 'change-notice').length;
    const sms = a.sms
      .deliveredTo(citizen.phone)
      .filter((m) => m.text === SMS.identifierChanged || passwordInSms(m.text) !== undefined).length;
    totals.linkEmails += links.length;
    totals.distinctLinks += distinct;
    totals.linksRecorded += linksRecorded;
    totals.changeNoticeEmails += notices;
    totals.changeSms += sms;
    totals.otherEmails += mail.length - links.length - notices;
    repeatedLinkEmails += links.length - distinct;
    const compare = (what: string, got: number, wanted: number) => {
      if (got < wanted) finding(missing, `${what}: ${got} received, ${wanted} expected`);
      if (got > wanted) finding(duplicated, `${what}: ${got} received, ${wanted} expected`);
    };
    compare('links', distinct, linksRecorded);
    if (links.length > distinct) finding(duplicated, `link emails: ${links.length} for ${distinct} links (the same link emailed again)`);
    compare('change notice emails', notices, completedRuns);
    compare('change SMS', sms, completedRuns);
  });

  for (const [identifier, owners] of holders) {
    if (owners.length > 1)
      twoIdentifiers.push({ citizen: owners[0]!, numic: '', problem: `identifier ${identifier} held by citizens ${owners.join(', ')}` });
  }
  const [stuck, failedOrTerminated] = await Promise.all([
    a.client.workflow.count(RUNNING_NOT_RESTING),
    a.client.workflow.count(FAILED_OR_TERMINATED),
  ]);
  const completed = a.results.filter((r) => r.outcome === 'completed');
  return {
    renewals: a.results.length,
    completed: completed.length,
    failedJourneys: a.results
      .filter((r) => r.outcome !== 'completed')
      .map((r) => ({ citizen: r.index, kind: r.kind, error: r.error ?? '' })),
    restarted: a.results.filter((r) => r.starts > 1).length,
    notShown: a.results.reduce((n, r) => n + r.notShown, 0),
    runs: runCount,
    runOutcomes,
    stuck: stuck.count,
    failedOrTerminated: failedOrTerminated.count,
    lost,
    twoIdentifiers,
    oldCredentialsAccepted,
    logins,
    messages: {
      totals,
      missing,
      duplicated,
      repeatedLinkEmails,
      smsRepeatedSameKey: a.sms.calls.filter((c) => c.outcome === 'repeated').length,
      smsRefusedWhileFailing: a.sms.calls.filter((c) => c.outcome === 'failing').length,
    },
  };
}
