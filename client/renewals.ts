/**
 * The renewal API the web layer (and the ops tool) call. Each call returns a typed result;
 * Temporal's errors are mapped here and never leak to the caller.
 */
import { WorkflowIdReusePolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { hashLinkSecret } from '../domain/link-secret.js';
import type { FieldSealer } from '../codec/sealed-field.js';
import { normaliseEmail, normaliseNumic } from '../domain/account-keys.js';
import { parseLinkToken } from '../domain/renewal-link.js';
import {
  RENEWAL_WORKFLOW_TYPE,
  cancelSignal,
  linkStateQuery,
  openLinkUpdate,
  requestSignal,
  resendLinkUpdate,
  statusQuery,
  submitPasswordUpdate,
  type OpenLinkResult,
  type RenewalInput,
  type RenewalPolicy,
  type RenewalResult,
  type RenewalStatus,
  type ResendLinkResult,
  type SubmitPasswordResult,
} from '../workflows/definitions.js';
import { RenewalKind } from '../workflows/search-attributes.js';
import { renewalWorkflowId } from './renewal-id.js';

export interface RenewalClientOptions {
  client: Client;
  taskQueue: string;
  policy: RenewalPolicy;
  renewalIdSecret: string;
  sealer: FieldSealer;
}

export type RequestRenewalResult = { status: 'accepted' };
export type StatusResult = ({ status: 'found' } & RenewalStatus) | { status: 'not-found' };
export type OperatorResult<T> = T | { status: 'not-found' };

const DEAD_UNKNOWN = { status: 'dead', reason: 'unknown' } as const;

export function createRenewalClient({ client, taskQueue, policy, renewalIdSecret, sealer }: RenewalClientOptions) {
  const workflowIdFor = (numic: string) => renewalWorkflowId(numic, renewalIdSecret);

  /** A link whose run has ended (or never existed) is answered from the run's final state. */
  async function linkStateAfterEnd(handle: WorkflowHandle, linkHash: string): Promise<OpenLinkResult> {
    try {
      const state = await handle.query(linkStateQuery, { linkHash });
      return state.status === 'dead' ? state : DEAD_UNKNOWN;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return DEAD_UNKNOWN;
      throw err;
    }
  }

  function handleForToken(token: string) {
    const parsed = parseLinkToken(token);
    if (!parsed) return undefined;
    return { handle: client.workflow.getHandle(parsed.workflowId, parsed.runId), linkHash: hashLinkSecret(parsed.secret) };
  }

  return {
    workflowIdFor,

    /**
     * Starts the account's renewal, or reaches the one in flight. Signal-with-start is one atomic
     * server call: it starts the workflow if no run with this ID is open and delivers the request
     * either way, so two concurrent requests can never start two runs. It returns once the server
     * has recorded the signal, before any lookup: its timing says nothing about the match.
     * ALLOW_DUPLICATE lets a new renewal start after the previous one has closed.
     */
    async requestRenewal({ numic, email }: { numic: string; email: string }): Promise<RequestRenewalResult> {
      const input: RenewalInput = { kind: 'identifier', numic: normaliseNumic(numic), policy };
      await client.workflow.signalWithStart(RENEWAL_WORKFLOW_TYPE, {
        workflowId: workflowIdFor(numic),
        taskQueue,
        args: [input],
        signal: requestSignal,
        signalArgs: [{ email: normaliseEmail(email) }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [{ key: RenewalKind, value: input.kind }],
        staticSummary: 'Renouvellement d’identifiant demandé sur le portail',
        staticDetails:
          'L’usager a saisi son NUMIC et son courriel. Si un compte correspond, un lien lui est envoyé par courriel ; ' +
          'il l’ouvre puis saisit le mot de passe reçu par SMS pour obtenir un nouvel identifiant.',
      });
      return { status: 'accepted' };
    },

    async openLink(token: string): Promise<OpenLinkResult> {
      const target = handleForToken(token);
      if (!target) return DEAD_UNKNOWN;
      try {
        return await target.handle.executeUpdate(openLinkUpdate, { args: [{ linkHash: target.linkHash }] });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return linkStateAfterEnd(target.handle, target.linkHash);
        throw err;
      }
    },

    async submitPassword(token: string, password: string): Promise<SubmitPasswordResult> {
      const target = handleForToken(token);
      if (!target) return DEAD_UNKNOWN;
      try {
        return await target.handle.executeUpdate(submitPasswordUpdate, {
          args: [{ linkHash: target.linkHash, sealedPassword: sealer.seal(password) }],
        });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return linkStateAfterEnd(target.handle, target.linkHash) as Promise<SubmitPasswordResult>;
        throw err;
      }
    },

    /** The latest run of a workflow ID (from `workflowIdFor` or the Temporal UI). */
    async status(workflowId: string): Promise<StatusResult> {
      try {
        return { status: 'found', ...(await client.workflow.getHandle(workflowId).query(statusQuery)) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'not-found' };
        throw err;
      }
    },

    /** Waits for a run's end; for tests and the ops tool. */
    async result(workflowId: string, runId?: string): Promise<RenewalResult> {
      return client.workflow.getHandle(workflowId, runId).result();
    },

    async cancel(workflowId: string, reason: string): Promise<OperatorResult<{ status: 'cancel-requested' }>> {
      try {
        await client.workflow.getHandle(workflowId).signal(cancelSignal, { reason });
        return { status: 'cancel-requested' };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'not-found' };
        throw err;
      }
    },

    async resendLink(workflowId: string): Promise<OperatorResult<ResendLinkResult>> {
      try {
        return await client.workflow.getHandle(workflowId).executeUpdate(resendLinkUpdate);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'not-found' };
        throw err;
      }
    },
  };
}

export type RenewalClient = ReturnType<typeof createRenewalClient>;
