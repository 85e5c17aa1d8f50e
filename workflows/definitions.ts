/**
 * What the renewal workflow and its callers share: inputs, states, outcomes and message
 * definitions. The client and the views import this module, never the workflow code itself.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RenewalKind } from '../domain/renewal-kind.js';

export const RENEWAL_WORKFLOW_TYPE = 'credentialRenewalWorkflow';

export { RENEWAL_KINDS, type RenewalKind } from '../domain/renewal-kind.js';

/** Where a renewal stands; also the value of the `RenewalStage` search attribute. */
export const RENEWAL_STAGES = ['looking-up', 'waiting-for-link', 'changing', 'notifying', 'cooling-down', 'closed'] as const;
export type RenewalStage = (typeof RENEWAL_STAGES)[number];

/** How a renewal's attempt ended; also the value of the `RenewalOutcome` search attribute. */
export const RENEWAL_OUTCOMES = ['no-match', 'expired', 'locked', 'cancelled', 'completed'] as const;
export type RenewalOutcome = (typeof RENEWAL_OUTCOMES)[number];

/** Why a link no longer works; each one gets its own page. */
export const DEAD_LINK_REASONS = ['expired', 'superseded', 'locked', 'already-used', 'cancelled', 'unknown'] as const;
export type DeadLinkReason = (typeof DEAD_LINK_REASONS)[number];

/** Policy the workflow enforces, fixed at start from configuration (config/index.ts). */
export interface RenewalPolicy {
  linkTtlMs: number;
  /** Wrong secrets before the renewal locks: the password (identifier kind) or the identifier (password kind). */
  maxSecretAttempts: number;
  maxLinkEmailsPerHour: number;
  /** Lock-outs within the window after which the account's renewals are refused for `lockoutRefusalMs`. */
  lockoutLimit: number;
  lockoutWindowMs: number;
  lockoutRefusalMs: number;
  /** After a completed renewal, how long a renewal of the other kind waits. */
  cooldownMs: number;
}

/** One citizen's request from screen 2 (either form); the email may match no account. */
export interface RenewalRequest {
  kind: RenewalKind;
  email: string;
}

/** What an account's renewals remember from one run to the next (workflows/account-memory.ts), carried by continue-as-new. */
export interface AccountMemoryState {
  /** Wrong secrets since the last lock-out, epoch ms. */
  failures: number[];
  /** Lock-outs (a renewal ended after too many wrong secrets), epoch ms. */
  lockouts: number[];
  /** Set when the lock-out limit is reached: new renewals are refused until then. */
  refusedUntil?: number;
  lastCompleted?: { kind: RenewalKind; at: number };
  /** Emails sent to the account (links and notices of refusal), epoch ms. */
  emails: number[];
}

export interface RenewalInput {
  /** Normalised NUMIC as typed by the citizen (may match no account). */
  numic: string;
  policy: RenewalPolicy;
  /** What the previous run of this account carried over (continue-as-new): lock-outs, last completion. */
  memory?: AccountMemoryState;
  /** Requests carried over by continue-as-new, handled first. */
  pending?: RenewalRequest[];
}

export interface RenewalResult {
  kind: RenewalKind;
  outcome: RenewalOutcome;
}

export interface LinkInput {
  /** SHA-256 of the secret in the link, hex. The secret itself never reaches the workflow. */
  linkHash: string;
}

/**
 * What the link page shows: read by a query, so opening a link (or a scanner fetching it) changes
 * nothing. `pending`: a link email is being sent and this link is not recorded yet (the email can
 * arrive before its activity's result): ask again in a moment.
 */
export type LinkState =
  | { status: 'open'; kind: RenewalKind; expiresAt: string; attemptsLeft: number }
  | { status: 'pending' }
  | { status: 'dead'; reason: DeadLinkReason };

export interface SubmitSecretInput {
  linkHash: string;
  /** The kind the link's page is for (its path): a link never serves the other kind. */
  kind: RenewalKind;
  /** The password or identifier the citizen typed, sealed by the client for the worker (codec/sealed-field.ts). */
  sealedSecret: string;
}

/** What a completed renewal changed: the identifier is shown once; the password went by SMS only. */
export type CompletedChange = { kind: 'identifier'; identifier: string } | { kind: 'password'; phoneEnding: string };

export type SubmitSecretResult =
  | ({ status: 'completed' } & CompletedChange)
  | { status: 'wrong-secret'; attemptsLeft: number }
  | { status: 'dead'; reason: DeadLinkReason };

/**
 * The type of the failure with which the `submitSecret` validator rejects a link that cannot be used
 * (its reason in the failure's details): a rejected update leaves no trace in the history.
 */
export const DEAD_LINK_FAILURE = 'DeadLink';

export type ResendRefusal = 'rate-limited' | 'not-waiting';
export type ResendLinkResult = { status: 'sent' } | { status: 'refused'; reason: ResendRefusal };

/**
 * The type of the failure with which the `resendLink` validator rejects a resend that would be
 * refused (its reason in the failure's details): nothing is written to the history for it.
 */
export const RESEND_REFUSED_FAILURE = 'ResendRefused';

export interface CancelInput {
  reason: string;
}

/** The `status` query's answer, for operators and tests: no personal data. */
export interface RenewalStatus {
  kind: RenewalKind;
  stage: RenewalStage;
  outcome?: RenewalOutcome;
  /** ISO date: the link's expiry while waiting for it, the end of the waiting period while cooling down. */
  deadline?: string;
  attemptsLeft?: number;
  linksSent: number;
  /** Lock-outs of this account within the lock-out window. */
  lockouts: number;
  /** While the lasting bound on wrong secrets holds: until when new renewals are refused. */
  refusedUntil?: string;
}

export const requestSignal = defineSignal<[RenewalRequest]>('request');
export const cancelSignal = defineSignal<[CancelInput]>('cancel');
export const submitSecretUpdate = defineUpdate<SubmitSecretResult, [SubmitSecretInput]>('submitSecret');
export const resendLinkUpdate = defineUpdate<ResendLinkResult, []>('resendLink');
export const statusQuery = defineQuery<RenewalStatus>('status');
/** Answers for a link hash on a running or closed run: works after the workflow has ended. */
export const linkStateQuery = defineQuery<LinkState, [LinkInput]>('linkState');
