/**
 * The first renewal workflow type, frozen: the runs it started before credentialRenewalWorkflow
 * replaced it (workflows/credential-renewal.ts) finish on this code, and their recorded histories
 * (test/histories/1-…, 2-…, 3-…) replay against it. Nothing here changes; when no such run remains
 * (a renewal lasts at most its link's lifetime), this folder and activities/legacy.ts go.
 */
import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LegacyRenewalActivities as RenewalActivities } from '../../activities/legacy.js';
import { normaliseEmail } from '../../domain/account-keys.js';
import {
  cancelSignal,
  linkStateQuery,
  openLinkUpdate,
  requestSignal,
  resendLinkUpdate,
  statusQuery,
  submitPasswordUpdate,
  type DeadLinkReason,
  type OpenLinkResult,
  type RenewalInput,
  type RenewalOutcome,
  type RenewalRequest,
  type RenewalResult,
  type RenewalStage,
  type ResendLinkResult,
  type SubmitPasswordResult,
} from './definitions.js';
import { describeStage } from './details.js';
import { LinkLedger } from '../link-ledger.js';
import { PATCHES } from './patches.js';
import { RETRY_UNTIL_DONE } from '../retry.js';
import { RenewalDeadline, RenewalKind, RenewalStage as RenewalStageKey, RenewalStageSince } from '../search-attributes.js';

const retry = RETRY_UNTIL_DONE;
const activities = proxyActivities<RenewalActivities>({ startToCloseTimeout: '30 seconds', retry });

// The account lookup, the password check and the assignment are short database reads and writes
// that a citizen waits on: run in the worker holding the workflow task, they cost neither an
// activity task round trip nor another workflow task. Emails and SMS stay activities: an outage
// of their servers can last, and then they retry on the server's timers.
const localActivities = proxyLocalActivities<RenewalActivities>({ startToCloseTimeout: '30 seconds', retry });

export async function renewalWorkflow(input: RenewalInput): Promise<RenewalResult> {
  const { policy } = input;
  const { workflowId, runId } = workflowInfo();
  const renewalId = `${workflowId}/${runId}`;
  const ledger = new LinkLedger(policy.maxLinkEmailsPerHour);
  const pending: RenewalRequest[] = [];
  // Runs started before the local activities keep their recorded activity tasks.
  const checks = patched(PATCHES.localChecks) ? localActivities : activities;

  let stage: RenewalStage = 'looking-up';
  let stageVersion = 0;
  let outcome: RenewalOutcome | undefined;
  let accountId: string | undefined;
  let accountEmail: string | undefined;
  let passwordDeadline: number | undefined;
  let attemptsLeft = policy.maxPasswordAttempts;
  let identifierAssigned = false;
  let cancelled = false;
  let busy = false; // one link email or password check at a time

  /** Waits for the turn; the check and the claim are one synchronous step, so only one wins. */
  async function takeTurn(): Promise<void> {
    while (busy) await condition(() => !busy);
    busy = true;
  }

  const deadline = (): number | undefined =>
    stage === 'waiting-for-link' ? ledger.current?.expiresAt : stage === 'waiting-for-password' ? passwordDeadline : undefined;

  function enter(next: RenewalStage): void {
    stage = next;
    stageVersion++;
    const until = deadline();
    upsertSearchAttributes([
      { key: RenewalKind, value: input.kind },
      { key: RenewalStageKey, value: next },
      { key: RenewalStageSince, value: new Date() },
      { key: RenewalDeadline, value: until === undefined ? null : new Date(until) },
    ]);
    setCurrentDetails(describeStage(next, until, outcome));
  }

  /** Why this link cannot be used now, or undefined when it can. */
  function deadReason(linkHash: string): DeadLinkReason | undefined {
    const kind = ledger.classify(linkHash);
    if (kind !== 'current') return kind;
    if (identifierAssigned || outcome === 'completed') return 'already-used';
    if (outcome === 'locked' || outcome === 'cancelled' || outcome === 'expired') return outcome;
    if (cancelled) return 'cancelled';
    const until = deadline();
    if (until !== undefined && Date.now() >= until) return 'expired';
    return undefined;
  }

  function linkState(linkHash: string): OpenLinkResult {
    const reason = deadReason(linkHash);
    if (reason) return { status: 'dead', reason };
    return { status: 'open', passwordDeadline: new Date(passwordDeadline ?? 0).toISOString(), attemptsLeft };
  }

  /** Emails a fresh link (killing the previous one) when the hourly allowance permits. */
  async function sendLink(): Promise<boolean> {
    await takeTurn();
    try {
      if (outcome || identifierAssigned || cancelled || !accountId) return false;
      if (!ledger.reserveSend(Date.now())) return false;
      const { linkHash } = await activities.sendRenewalLink({ accountId, validForMs: policy.linkTtlMs });
      const sentAt = Date.now();
      ledger.add({ hash: linkHash, sentAt, expiresAt: sentAt + policy.linkTtlMs });
      passwordDeadline = undefined;
      enter('waiting-for-link');
      return true;
    } finally {
      busy = false;
    }
  }

  setHandler(requestSignal, (request) => {
    pending.push(request);
  });

  setHandler(cancelSignal, () => {
    cancelled = true;
  });

  setHandler(statusQuery, () => ({
    kind: input.kind,
    stage,
    outcome,
    deadline: deadline() === undefined ? undefined : new Date(deadline()!).toISOString(),
    attemptsLeft: accountId ? attemptsLeft : undefined,
    linksSent: ledger.sentCount,
  }));

  setHandler(linkStateQuery, ({ linkHash }) => linkState(linkHash));

  setHandler(openLinkUpdate, async ({ linkHash }): Promise<OpenLinkResult> => {
    // A link clicked while its email is still being confirmed is recognised once it is.
    await condition(() => !busy);
    if (!deadReason(linkHash) && stage === 'waiting-for-link') {
      passwordDeadline = Date.now() + policy.passwordStepTtlMs;
      enter('waiting-for-password');
    }
    return linkState(linkHash);
  });

  setHandler(submitPasswordUpdate, async ({ linkHash, sealedPassword }): Promise<SubmitPasswordResult> => {
    // Two submissions at the same moment are checked one after the other: only one can win.
    await takeTurn();
    try {
      const reason = deadReason(linkHash);
      if (reason) return { status: 'dead', reason };
      if (stage !== 'waiting-for-password' || !accountId) return { status: 'dead', reason: 'unknown' };
      const valid = await checks.verifyPassword({ accountId, sealedPassword });
      if (!valid) {
        attemptsLeft--;
        if (attemptsLeft > 0) return { status: 'wrong-password', attemptsLeft };
        outcome = 'locked';
        return { status: 'dead', reason: 'locked' };
      }
      enter('assigning');
      const { identifier } = await checks.assignNewIdentifier({ accountId, renewalId });
      identifierAssigned = true;
      return { status: 'completed', identifier };
    } finally {
      busy = false;
    }
  });

  setHandler(resendLinkUpdate, async (): Promise<ResendLinkResult> => {
    if (stage !== 'waiting-for-link' && stage !== 'waiting-for-password') return { status: 'refused', reason: 'not-waiting' };
    return (await sendLink()) ? { status: 'sent' } : { status: 'refused', reason: 'rate-limited' };
  });

  async function finish(result: RenewalOutcome): Promise<RenewalResult> {
    outcome = result;
    enter('closed');
    await condition(allHandlersFinished);
    return { outcome: result };
  }

  // 1. Find the account. Signal-with-start delivers the first request with the start.
  enter('looking-up');
  while (!accountId) {
    await condition(() => pending.length > 0 || cancelled);
    if (cancelled) return finish('cancelled');
    const request = pending.shift()!;
    const match = await checks.findAccount({ numic: input.numic, email: request.email });
    if (match) {
      accountId = match.accountId;
      accountEmail = normaliseEmail(request.email);
    } else if (pending.length === 0) {
      return finish('no-match'); // nothing is sent to anyone
    }
  }
  await sendLink();

  // 2. Wait for the link, then the password, re-sending on matching requests, until an end.
  for (;;) {
    while (pending.length > 0) {
      const request = pending.shift()!;
      if (normaliseEmail(request.email) === accountEmail) await sendLink();
    }
    if (identifierAssigned || outcome || cancelled) break;

    const seenVersion = stageVersion;
    const until = deadline() ?? Date.now();
    const woken = await condition(
      () => pending.length > 0 || cancelled || outcome !== undefined || identifierAssigned || stageVersion !== seenVersion,
      Math.max(until - Date.now(), 1),
    );
    if (!woken) {
      await condition(() => !busy); // a password check in flight decides first
      if (!identifierAssigned && !outcome && deadline() !== undefined && Date.now() >= deadline()!) {
        return finish('expired');
      }
    }
  }

  await condition(() => !busy); // a password check in flight when cancelled still decides
  if (cancelled && !identifierAssigned) return finish('cancelled');
  if (outcome) return finish(outcome);

  // 3. The new identifier is stored; tell the citizen on both channels.
  enter('notifying');
  if (patched(PATCHES.singleNotice)) {
    await activities.notifyIdentifierChanged({ accountId, renewalId });
  } else {
    await Promise.all([
      activities.notifyIdentifierChangedByEmail({ accountId, renewalId }),
      activities.notifyIdentifierChangedBySms({ accountId, renewalId }),
    ]);
  }
  return finish('completed');
}
