/**
 * One renewal of one account's identifier or password, from the request to the new credential.
 *
 * The story: look the account up → email a single-use link → wait for the citizen to submit the
 * secret that authenticates this kind (the password for an identifier, the identifier for a
 * password) → change the credential → notify → keep the account's memory (lock-outs, cooldown)
 * while it matters. The workflow ID is derived from the account (domain/renewal-id.ts), so Temporal
 * itself refuses two renewals of one account at once, of either kind. The raw link secret never
 * enters this code: only its hash. Opening a link is a query: it changes nothing.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import type { RenewalActivities } from '../activities/index.js';
import { normaliseEmail } from '../domain/account-keys.js';
import { AccountMemory, type Refusal } from './account-memory.js';
import {
  DEAD_LINK_FAILURE,
  RENEWAL_KINDS,
  RESEND_REFUSED_FAILURE,
  cancelSignal,
  linkStateQuery,
  requestSignal,
  resendLinkUpdate,
  statusQuery,
  submitSecretUpdate,
  type CancelInput,
  type CompletedChange,
  type DeadLinkReason,
  type LinkState,
  type RenewalInput,
  type RenewalKind,
  type RenewalOutcome,
  type RenewalRequest,
  type RenewalResult,
  type RenewalStatus,
  type ResendLinkResult,
  type ResendRefusal,
  type SubmitSecretInput,
  type SubmitSecretResult,
} from './definitions.js';
import { describeState } from './details.js';
import { LinkLedger } from './link-ledger.js';
import { initialState, isWaitingForLink, outcomeOf, transition, type RenewalEvent, type RenewalState } from './renewal-state.js';
import { RETRY_UNTIL_DONE } from './retry.js';
import * as attributes from './search-attributes.js';

const retry = RETRY_UNTIL_DONE;
// A worker that dies mid-email leaves its attempt to time out: short, so the retry comes soon.
const activities = proxyActivities<RenewalActivities>({ startToCloseTimeout: '15 seconds', retry });
// A notice records that it went before its attempt ends, waiting out a registry outage while it
// heartbeats: a long attempt, whose worker is known alive (a dead one is noticed within the heartbeat).
const notices = proxyActivities<RenewalActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '20 seconds', retry });
// The look-up, the secret check and the change are short database work a citizen waits on: run in
// the worker holding the workflow task, they cost neither an activity task nor another workflow
// task. Emails and SMS stay activities: an outage of their servers can last, and they then retry
// on the server's timers, visible to operators as a pending activity.
const local = proxyLocalActivities<RenewalActivities>({ startToCloseTimeout: '30 seconds', retry });

const isKind = (value: unknown): value is RenewalKind => RENEWAL_KINDS.includes(value as RenewalKind);
// Signals and updates can be sent by anyone who reaches the Temporal server: malformed ones are
// dropped (signals) or rejected before anything is written (updates), never a failed task.
const isRequest = (r: unknown): r is RenewalRequest =>
  typeof r === 'object' &&
  r !== null &&
  isKind((r as RenewalRequest).kind) &&
  typeof (r as RenewalRequest).email === 'string' &&
  (r as RenewalRequest).email.length <= 254;
const isCancel = (c: unknown): c is CancelInput =>
  typeof c === 'object' &&
  c !== null &&
  typeof (c as CancelInput).reason === 'string' &&
  (c as CancelInput).reason.trim().length > 0 &&
  (c as CancelInput).reason.length <= 500;
const isSubmission = (s: unknown): s is SubmitSecretInput =>
  typeof s === 'object' &&
  s !== null &&
  typeof (s as SubmitSecretInput).linkHash === 'string' &&
  /^[0-9a-f]{64}$/.test((s as SubmitSecretInput).linkHash) &&
  isKind((s as SubmitSecretInput).kind) &&
  typeof (s as SubmitSecretInput).sealedSecret === 'string' &&
  (s as SubmitSecretInput).sealedSecret.length <= 4096;

export async function credentialRenewalWorkflow(input: RenewalInput): Promise<RenewalResult> {
  const { numic, policy } = input;
  const { workflowId, runId } = workflowInfo();
  const renewalId = `${workflowId}/${runId}`;
  const memory = new AccountMemory(policy, input.memory);
  const ledger = new LinkLedger(policy.maxLinkEmailsPerHour); // (the allowance itself is the memory's)
  const pending: RenewalRequest[] = [...(input.pending ?? [])];
  // Link emails and secret checks one at a time: two submissions at the same moment are checked
  // one after the other, so only one can win.
  const turn = new Mutex();
  let cancelled = false;
  let sending = false; // a link email is on its way: its link may arrive before its hash is recorded
  let refusals = 0;
  let state: RenewalState = initialState(pending[0]?.kind ?? 'identifier');
  let shown: Partial<Record<string, unknown>> = {};

  const now = () => Date.now();
  const linkExpiry = () => ledger.current?.expiresAt;
  // An attempt whose first link the hourly allowance refused (its memory came with continue-as-new)
  // waits a link's lifetime for a request that the allowance lets through, then expires.
  let noLinkUntil: number | undefined;
  const waitUntil = () => linkExpiry() ?? noLinkUntil;
  const deadline = () => (isWaitingForLink(state) ? waitUntil() : state.stage === 'cooling-down' ? state.until : undefined);
  let accountId: string | undefined; // once found: the attempt's states that end it no longer hold it

  /** Moves to the next state and tells operators: search attributes (only those that changed) and details. */
  function move(event: RenewalEvent) {
    state = transition(state, event);
    show();
  }

  function show() {
    const until = deadline();
    const wanted: Record<string, unknown> = {
      kind: state.kind,
      stage: state.stage,
      deadline: until,
      outcome: outcomeOf(state),
      lockouts: memory.lockoutCount(now()),
    };
    const updates: SearchAttributeUpdatePair[] = [];
    if (wanted.kind !== shown.kind) updates.push({ key: attributes.RenewalKind, value: state.kind });
    if (wanted.stage !== shown.stage) {
      updates.push({ key: attributes.RenewalStage, value: state.stage }, { key: attributes.RenewalStageSince, value: new Date(now()) });
    }
    if (wanted.deadline !== shown.deadline)
      updates.push({ key: attributes.RenewalDeadline, value: until === undefined ? null : new Date(until) });
    if (wanted.outcome !== shown.outcome) updates.push({ key: attributes.RenewalOutcome, value: outcomeOf(state) ?? null });
    if (wanted.lockouts !== shown.lockouts) updates.push({ key: attributes.RenewalLockouts, value: memory.lockoutCount(now()) });
    if (updates.length > 0) upsertSearchAttributes(updates);
    shown = wanted;
    setCurrentDetails(
      describeState(state, {
        linkExpiresAt: linkExpiry(),
        attemptsLeft: isWaitingForLink(state) ? memory.attemptsLeft(now()) : undefined,
        refusedUntil: lockedOutUntil(),
      }),
    );
  }

  /** Until when the lasting bound on wrong secrets refuses new renewals, if it does now. */
  function lockedOutUntil(): number | undefined {
    const refusal = memory.refusal(state.kind, now());
    return refusal?.reason === 'locked-out' ? refusal.until : undefined;
  }

  /** The attempt is over: the run rests while the account's memory matters, or closes. */
  const ended = (outcome: RenewalOutcome): RenewalEvent => ({ type: 'ended', outcome, until: memory.rememberUntil(now()) });

  /** Why this link cannot be used now, or undefined when it can. */
  function deadReason(linkHash: string): DeadLinkReason | undefined {
    const known = ledger.classify(linkHash);
    if (known !== 'current') return known;
    switch (state.stage) {
      case 'looking-up':
        return 'unknown';
      case 'waiting-for-link':
        if (cancelled) return 'cancelled';
        return now() >= linkExpiry()! ? 'expired' : undefined;
      case 'changing':
      case 'notifying':
        return 'already-used';
      case 'cooling-down':
      case 'closed':
        return state.outcome === 'completed' ? 'already-used' : state.outcome === 'no-match' ? 'unknown' : state.outcome;
    }
  }

  /** An unknown link that may be the one being emailed right now. */
  const mayBeSending = (linkHash: string) => sending && ledger.classify(linkHash) === 'unknown';

  function linkState(linkHash: string): LinkState {
    const reason = deadReason(linkHash);
    if (reason && mayBeSending(linkHash)) return { status: 'pending' };
    if (reason) return { status: 'dead', reason };
    return { status: 'open', kind: state.kind, expiresAt: new Date(linkExpiry()!).toISOString(), attemptsLeft: memory.attemptsLeft(now()) };
  }

  /** Emails a fresh link (the previous one dies) when the hourly allowance permits. */
  function sendLink(): Promise<ResendLinkResult> {
    return turn.runExclusive(async () => {
      if (!isWaitingForLink(state) || cancelled) return { status: 'refused', reason: 'not-waiting' };
      if (!memory.reserveEmail(now())) return { status: 'refused', reason: 'rate-limited' };
      sending = true;
      try {
        const { linkHash } = await activities.emailRenewalLink({
          accountId: state.accountId,
          kind: state.kind,
          validForMs: policy.linkTtlMs,
        });
        const sentAt = now();
        ledger.add({ hash: linkHash, sentAt, expiresAt: sentAt + policy.linkTtlMs }); // with `sending` cleared in the same step
      } finally {
        sending = false;
      }
      show();
      return { status: 'sent' };
    });
  }

  /** Tells the account's owner why a request of theirs started nothing (within the hourly allowance). */
  async function explainRefusal(account: string, requested: RenewalKind, refusal: Refusal | { reason: 'in-progress'; until: number }) {
    if (!memory.reserveEmail(now())) return;
    refusals++;
    await notices.emailRefusal({
      accountId: account,
      noticeId: `${renewalId}:refusal:${refusals}`,
      requestedKind: requested,
      reason: refusal.reason,
      otherKind: refusal.reason === 'cooldown' ? refusal.completedKind : requested === 'identifier' ? 'password' : 'identifier',
      until: refusal.until,
    });
  }

  function submitSecret({ linkHash, sealedSecret }: SubmitSecretInput): Promise<SubmitSecretResult> {
    return turn.runExclusive(async (): Promise<SubmitSecretResult> => {
      const reason = deadReason(linkHash);
      if (reason || !isWaitingForLink(state)) return { status: 'dead', reason: reason ?? 'unknown' };
      const { accountId: account, kind } = state;
      if (!(await local.verifySecret({ accountId: account, kind, sealedSecret }))) {
        if (!memory.recordFailure(now())) {
          show();
          return { status: 'wrong-secret', attemptsLeft: memory.attemptsLeft(now()) };
        }
        move(ended('locked'));
        return { status: 'dead', reason: 'locked' };
      }
      move({ type: 'secret-accepted' });
      const change: CompletedChange =
        kind === 'identifier'
          ? { kind, identifier: (await local.assignNewIdentifier({ accountId: account, renewalId })).identifier }
          : { kind, phoneEnding: (await local.issueNewPassword({ accountId: account, renewalId })).phoneEnding };
      move({ type: 'changed', change });
      return { status: 'completed', ...change };
    });
  }

  setHandler(requestSignal, (request) => {
    if (isRequest(request)) pending.push({ kind: request.kind, email: request.email });
  });
  setHandler(cancelSignal, (cancel) => {
    if (isCancel(cancel)) cancelled = true; // an operator always gives a reason
  });
  setHandler(statusQuery, (): RenewalStatus => ({
    kind: state.kind,
    stage: state.stage,
    outcome: outcomeOf(state),
    deadline: deadline() === undefined ? undefined : new Date(deadline()!).toISOString(),
    attemptsLeft: isWaitingForLink(state) ? memory.attemptsLeft(now()) : undefined,
    linksSent: ledger.sentCount,
    lockouts: memory.lockoutCount(now()),
    refusedUntil: lockedOutUntil() === undefined ? undefined : new Date(lockedOutUntil()!).toISOString(),
  }));
  setHandler(linkStateQuery, (link) =>
    typeof link?.linkHash === 'string' ? linkState(link.linkHash) : { status: 'dead', reason: 'unknown' },
  );
  setHandler(submitSecretUpdate, submitSecret, {
    // Only a live, current link's submission is accepted into the history (or one that may be the
    // link being emailed right now: the handler waits for that email's turn, then decides).
    validator(submission) {
      const wellFormed = isSubmission(submission) && submission.kind === state.kind;
      const reason = wellFormed ? deadReason(submission.linkHash) : 'unknown';
      if (reason && !(wellFormed && mayBeSending(submission.linkHash))) {
        throw ApplicationFailure.create({ type: DEAD_LINK_FAILURE, message: `link ${reason}`, details: [reason], nonRetryable: true });
      }
    },
  });
  setHandler(resendLinkUpdate, sendLink, {
    // A resend that would be refused (arguments it does not take, a renewal not waiting for its link,
    // the hour's emails spent) is rejected before anything is written; the handler checks again.
    validator(...args: unknown[]) {
      const refusal: ResendRefusal | 'invalid' | undefined =
        args.length > 0
          ? 'invalid'
          : !isWaitingForLink(state) || cancelled
            ? 'not-waiting'
            : !memory.mayEmail(now())
              ? 'rate-limited'
              : undefined;
      if (refusal) {
        throw ApplicationFailure.create({
          type: RESEND_REFUSED_FAILURE,
          message: `resend ${refusal}`,
          details: [refusal],
          nonRetryable: true,
        });
      }
    },
  });

  // 1. The first request names the kind; signal-with-start delivers it with the start.
  await condition(() => pending.length > 0 || cancelled);
  state = initialState(pending[0]?.kind ?? state.kind);
  show();

  // 2. Find the account: each request of this kind in turn, until one matches.
  while (state.stage === 'looking-up') {
    const next = pending.findIndex((r) => r.kind === state.kind);
    if (cancelled || next < 0) {
      move(ended(cancelled ? 'cancelled' : 'no-match')); // no match: nothing is sent to anyone
      break;
    }
    const [request] = pending.splice(next, 1);
    const match = await local.findAccount({ numic, email: request!.email });
    if (match) {
      accountId = match.accountId;
      move({ type: 'account-found', accountId, accountEmail: normaliseEmail(request!.email) });
      if ((await sendLink()).status === 'refused') {
        noLinkUntil = now() + policy.linkTtlMs;
        show();
      }
    }
  }

  // 3. Wait for the citizen's secret, re-sending on matching requests, until the link expires.
  while (isWaitingForLink(state)) {
    while (isWaitingForLink(state) && pending.length > 0) {
      const request = pending.shift()!; // taken only while it can be handled here: otherwise the rest below handles it
      if (normaliseEmail(request.email) !== state.accountEmail) continue; // not the account's: nothing to anyone
      if (request.kind === state.kind) await sendLink();
      else await explainRefusal(state.accountId, request.kind, { reason: 'in-progress', until: waitUntil()! });
    }
    if (!isWaitingForLink(state)) break;
    const left = waitUntil()! - now();
    const woken = left > 0 && (await condition(() => pending.length > 0 || cancelled || !isWaitingForLink(state), left));
    if (woken && !cancelled) continue;
    await turn.waitForUnlock(); // a secret check in flight decides first
    if (isWaitingForLink(state) && (cancelled || now() >= waitUntil()!)) move(ended(cancelled ? 'cancelled' : 'expired'));
  }

  // 4. The credential changed (in the update handler): tell the citizen.
  await turn.waitForUnlock();
  if (state.stage === 'notifying') {
    await notices.notifyChange({ accountId: state.accountId, renewalId, kind: state.kind });
    memory.recordCompletion(state.kind, now());
    move(ended('completed'));
  } else if (outcomeOf(state) === 'locked' && accountId) {
    await notices.notifyLockout({ accountId, renewalId, kind: state.kind });
  }

  // 5. Rest while the account's memory matters: a new allowed request starts the next renewal in a
  // new run (continue-as-new), carrying the memory; a refused one is explained to the account.
  cancelled = false; // a cancel that ended the attempt is spent; one sent while resting lifts the rest
  while (state.stage === 'cooling-down') {
    for (let request = pending.shift(); request; request = pending.shift()) {
      const match = await local.findAccount({ numic, email: request.email });
      if (!match) continue;
      const refusal = memory.refusal(request.kind, now());
      if (refusal) {
        await explainRefusal(match.accountId, request.kind, refusal);
        continue;
      }
      await condition(allHandlersFinished);
      return continueAsNew<typeof credentialRenewalWorkflow>({
        numic,
        policy,
        memory: memory.snapshot(now()),
        pending: [request, ...pending],
      });
    }
    const rememberUntil = memory.rememberUntil(now());
    if (rememberUntil !== undefined && rememberUntil > state.until) move({ type: 'rest-extended', until: rememberUntil });
    const left = state.until - now();
    const woken = left > 0 && (await condition(() => pending.length > 0 || cancelled, left));
    // An operator's cancel while resting lifts the waiting period (after a help-desk check).
    if (cancelled || (!woken && memory.rememberUntil(now()) === undefined)) move({ type: 'rested' });
  }

  await condition(allHandlersFinished);
  return { kind: state.kind, outcome: outcomeOf(state)! };
}
