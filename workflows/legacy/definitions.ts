// Frozen with workflows/legacy/renewal-v1.ts (see there): the shapes and words its recorded runs use.
/**
 * What the renewal workflow and its callers share: inputs, states, outcomes and message
 * definitions. The client imports this module, never the workflow code itself.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CancelInput, ResendLinkResult } from '../definitions.js';

export const RENEWAL_WORKFLOW_TYPE = 'renewalWorkflow';

/** Identifier now, password later: both share one workflow ID per account (domain/renewal-id.ts). */
export type RenewalKind = 'identifier' | 'password';

export interface RenewalInput {
  kind: RenewalKind;
  /** Normalised NUMIC as typed by the citizen (may match no account). */
  numic: string;
  policy: RenewalPolicy;
}

/** Where a renewal stands; also the value of the `RenewalStage` search attribute. */
export type RenewalStage = 'looking-up' | 'waiting-for-link' | 'waiting-for-password' | 'assigning' | 'notifying' | 'closed';

/** How a renewal ended: the workflow's result. */
export type RenewalOutcome = 'no-match' | 'expired' | 'locked' | 'cancelled' | 'completed';

/** Why a link no longer works; each one gets its own page. */
export type DeadLinkReason = 'expired' | 'superseded' | 'locked' | 'already-used' | 'cancelled' | 'unknown';

export interface RenewalResult {
  outcome: RenewalOutcome;
}

export interface RenewalRequest {
  email: string;
}

export interface OpenLinkInput {
  /** SHA-256 of the secret in the link, hex. The secret itself never reaches the workflow. */
  linkHash: string;
}

export type OpenLinkResult =
  { status: 'open'; passwordDeadline: string; attemptsLeft: number } | { status: 'dead'; reason: DeadLinkReason };

export interface SubmitPasswordInput {
  linkHash: string;
  /** The password sealed by the client for the activities (codec/sealed-field.ts). */
  sealedPassword: string;
}

export type SubmitPasswordResult =
  | { status: 'completed'; identifier: string }
  | { status: 'wrong-password'; attemptsLeft: number }
  | { status: 'dead'; reason: DeadLinkReason };

export type { CancelInput, ResendLinkResult };

export interface RenewalStatus {
  kind: RenewalKind;
  stage: RenewalStage;
  outcome?: RenewalOutcome;
  /** ISO date: link expiry while waiting for the link, password-step expiry while waiting for it. */
  deadline?: string;
  attemptsLeft?: number;
  linksSent: number;
}

/** Policy the workflow enforces, fixed at start from configuration. */
export interface RenewalPolicy {
  linkTtlMs: number;
  passwordStepTtlMs: number;
  maxPasswordAttempts: number;
  maxLinkEmailsPerHour: number;
}

export const requestSignal = defineSignal<[RenewalRequest]>('request');
export const cancelSignal = defineSignal<[CancelInput]>('cancel');
export const openLinkUpdate = defineUpdate<OpenLinkResult, [OpenLinkInput]>('openLink');
export const submitPasswordUpdate = defineUpdate<SubmitPasswordResult, [SubmitPasswordInput]>('submitPassword');
export const resendLinkUpdate = defineUpdate<ResendLinkResult, []>('resendLink');
export const statusQuery = defineQuery<RenewalStatus>('status');
/** Answers for a link hash on a running or closed run: works after the workflow has ended. */
export const linkStateQuery = defineQuery<OpenLinkResult, [OpenLinkInput]>('linkState');
