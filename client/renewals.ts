/**
 * The renewal API the web layer (and the ops tool) call. Each call returns a typed result;
 * Temporal's errors are mapped here and never leak to the caller.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { WorkflowIdReusePolicy, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { openLinkToken } from '../codec/link-token.js';
import { createFieldSealer, type FieldSealer } from '../codec/sealed-field.js';
import type { WebConfig } from '../config/index.js';
import { normaliseEmail, normaliseNumic } from '../domain/account-keys.js';
import { hashLinkSecret } from '../domain/link-secret.js';
import { parseLegacyLinkToken } from '../domain/renewal-link.js';
import {
  DEAD_LINK_FAILURE,
  DEAD_LINK_REASONS,
  RENEWAL_WORKFLOW_TYPE,
  linkStateQuery,
  requestSignal,
  submitSecretUpdate,
  type DeadLinkReason,
  type LinkState,
  type RenewalInput,
  type RenewalKind,
  type RenewalPolicy,
  type SubmitSecretResult,
} from '../workflows/definitions.js';
import { RenewalKind as RenewalKindKey } from '../workflows/search-attributes.js';
import { legacyRenewals } from './legacy-renewals.js';
import { isTemporalUnavailable } from './unavailable.js';
import { createRenewalOperations } from './operations.js';

export interface RenewalClientOptions {
  client: Client;
  taskQueue: string;
  policy: RenewalPolicy;
  renewalIdSecret: string;
  sealer: FieldSealer;
  linkKey: Buffer;
  /** How long a citizen waits on a submission before its page says it is in progress (a test shortens it). */
  updateDeadlineMs?: number;
}

/** What of a web configuration the renewal client uses. */
export type RenewalClientConfig = Pick<WebConfig, 'temporal' | 'renewal' | 'renewalIdSecret' | 'fieldSeal' | 'linkKey'>;

/**
 * The renewal client a configuration describes, on `client`; a test or the bench may give its own
 * task queue or policy.
 */
export function renewalClientFor(
  client: Client,
  config: RenewalClientConfig,
  {
    taskQueue = config.temporal.taskQueue,
    policy = config.renewal,
    updateDeadlineMs,
  }: { taskQueue?: string; policy?: RenewalPolicy; updateDeadlineMs?: number } = {},
) {
  return createRenewalClient({
    client,
    taskQueue,
    policy,
    updateDeadlineMs,
    renewalIdSecret: config.renewalIdSecret,
    sealer: createFieldSealer(config.fieldSeal),
    linkKey: config.linkKey,
  });
}

export type RequestRenewalResult = { status: 'accepted' };

/**
 * What a submission came to. `in-doubt`: the server did not answer in time (Temporal slow, or no
 * worker to run the update): the update may still run, and its result is read later by its ID
 * (`submissionOutcome`), never by submitting again.
 */
export type SubmissionResult = SubmitSecretResult | { status: 'in-doubt' };
/** A submission read back by its update ID; `unknown`: it never reached the run (nothing ran). */
export type SubmissionOutcome = SubmissionResult | { status: 'unknown' };

const DEAD_UNKNOWN = { status: 'dead', reason: 'unknown' } as const;
/** A citizen waits on these: past them, the page says the service is unavailable (client/unavailable.ts). */
const QUERY_DEADLINE_MS = 10_000;
const UPDATE_DEADLINE_MS = 20_000;
/** Reading back an in-doubt submission: a page reload waits this long for it at most. */
const OUTCOME_DEADLINE_MS = 5_000;
/** A link clicked before its email was recorded: asked again for up to about 3 s. */
const PENDING_ASKS = 15;
const PENDING_PAUSE_MS = 200;

const SUMMARY: Record<RenewalKind, { summary: string; details: string }> = {
  identifier: {
    summary: 'Renouvellement d’identifiant demandé sur le portail',
    details:
      'L’usager a saisi son NUMIC et son courriel. Si un compte correspond, un lien lui est envoyé par courriel ; ' +
      'il l’ouvre puis saisit le mot de passe reçu par SMS pour obtenir un nouvel identifiant.',
  },
  password: {
    summary: 'Renouvellement de mot de passe demandé sur le portail',
    details:
      'L’usager a saisi son NUMIC et son courriel. Si un compte correspond, un lien lui est envoyé par courriel ; ' +
      'il l’ouvre puis saisit son identifiant actuel pour recevoir un nouveau mot de passe par SMS.',
  },
};

/** The reason a validator's rejection carries (workflows/definitions.ts, DEAD_LINK_FAILURE). */
function deadLinkRejection(err: unknown): DeadLinkReason | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  if (err.cause.type !== DEAD_LINK_FAILURE) return undefined;
  const [reason] = err.cause.details ?? [];
  return DEAD_LINK_REASONS.includes(reason as DeadLinkReason) ? (reason as DeadLinkReason) : 'unknown';
}

/** The citizen's calls (the web's) and the operators' (client/operations.ts). */
export function createRenewalClient({
  client,
  taskQueue,
  policy,
  renewalIdSecret,
  sealer,
  linkKey,
  updateDeadlineMs = UPDATE_DEADLINE_MS,
}: RenewalClientOptions) {
  const operations = createRenewalOperations({ client, renewalIdSecret });
  const { workflowIdFor } = operations;
  const legacy = legacyRenewals(client, sealer);

  /** The run a link names, and the hash the workflow knows the link by; undefined for a token that is not ours. */
  function target(token: string): { handle: WorkflowHandle; linkHash: string } | undefined {
    const opened = openLinkToken(linkKey, token);
    if (!opened) return undefined;
    return { handle: client.workflow.getHandle(opened.workflowId, opened.runId), linkHash: hashLinkSecret(opened.secret) };
  }

  return {
    ...operations,

    /**
     * Starts the account's renewal, or reaches the run in flight. Signal-with-start is one atomic
     * server call: it starts the workflow if no run with this ID is open and delivers the request
     * either way, so two concurrent requests can never start two runs, and a request of the other
     * kind reaches the run in flight, which starts nothing. It returns once the server has recorded
     * the signal, before any lookup: its timing says nothing about the match.
     * ALLOW_DUPLICATE lets a new renewal start after the previous run has closed.
     */
    async requestRenewal({ kind, numic, email }: { kind: RenewalKind; numic: string; email: string }): Promise<RequestRenewalResult> {
      const input: RenewalInput = { numic: normaliseNumic(numic), policy };
      await client.workflow.signalWithStart(RENEWAL_WORKFLOW_TYPE, {
        workflowId: workflowIdFor(numic),
        taskQueue,
        args: [input],
        signal: requestSignal,
        signalArgs: [{ kind, email: normaliseEmail(email) }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [{ key: RenewalKindKey, value: kind }],
        staticSummary: SUMMARY[kind].summary,
        staticDetails: SUMMARY[kind].details,
      });
      return { status: 'accepted' };
    },

    /**
     * What the link page shows. A query: opening a link (a citizen, a mail scanner) changes nothing.
     * A link whose email is still being confirmed (`pending`) is asked about again for a moment.
     */
    async linkState(kind: RenewalKind, token: string): Promise<LinkState> {
      if (kind === 'identifier' && parseLegacyLinkToken(token)) return legacy.linkState(token);
      const link = target(token);
      if (!link) return DEAD_UNKNOWN;
      for (let asked = 1; ; asked++) {
        let state: LinkState;
        try {
          state = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
            link.handle.query(linkStateQuery, { linkHash: link.linkHash }),
          );
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return DEAD_UNKNOWN;
          throw err;
        }
        if (state.status === 'open' && state.kind !== kind) return DEAD_UNKNOWN;
        if (state.status !== 'pending' || asked >= PENDING_ASKS) return state;
        await setTimeout(PENDING_PAUSE_MS);
      }
    },

    /**
     * The secret that authenticates this renewal (the password, or the identifier), sealed for the
     * worker, as the update `updateId`: a caller that keeps the ID can read an in-doubt outcome back.
     */
    async submitSecret(kind: RenewalKind, token: string, secret: string, updateId = randomUUID()): Promise<SubmissionResult> {
      if (kind === 'identifier' && parseLegacyLinkToken(token)) return legacy.submitPassword(token, secret);
      const link = target(token);
      if (!link) return DEAD_UNKNOWN;
      try {
        return await client.withDeadline(Date.now() + updateDeadlineMs, () =>
          link.handle.executeUpdate(submitSecretUpdate, {
            updateId,
            args: [{ linkHash: link.linkHash, kind, sealedSecret: sealer.seal(secret) }],
          }),
        );
      } catch (err) {
        const reason = deadLinkRejection(err);
        if (reason) return { status: 'dead', reason };
        if (err instanceof WorkflowNotFoundError) return this.linkState(kind, token) as Promise<SubmitSecretResult>;
        if (isTemporalUnavailable(err)) return { status: 'in-doubt' }; // it may run yet
        throw err;
      }
    },

    /**
     * An in-doubt submission's outcome, by its update ID: the server keeps a completed update's
     * result, and delivers an admitted one when a worker is back. `in-doubt` while it has not run.
     */
    async submissionOutcome(token: string, updateId: string): Promise<SubmissionOutcome> {
      const link = target(token);
      if (!link) return DEAD_UNKNOWN;
      try {
        return await client.withDeadline(Date.now() + Math.min(updateDeadlineMs, OUTCOME_DEADLINE_MS), () =>
          link.handle.getUpdateHandle<SubmitSecretResult>(updateId).result(),
        );
      } catch (err) {
        const reason = deadLinkRejection(err);
        if (reason) return { status: 'dead', reason };
        if (err instanceof WorkflowNotFoundError) return { status: 'unknown' }; // no such update (or run)
        if (isTemporalUnavailable(err)) return { status: 'in-doubt' }; // it may run yet
        throw err;
      }
    },
  };
}

export type RenewalClient = ReturnType<typeof createRenewalClient>;
