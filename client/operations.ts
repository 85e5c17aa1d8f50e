/**
 * What an operator (the ops tool, the tests) does to a renewal beside the citizen's calls: find it
 * by NUMIC, read its status, cancel it, resend its link. Needs no key but the NUMIC hashing's.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { renewalWorkflowId } from '../domain/renewal-id.js';
import {
  RESEND_REFUSED_FAILURE,
  cancelSignal,
  resendLinkUpdate,
  statusQuery,
  type RenewalStatus,
  type ResendLinkResult,
  type ResendRefusal,
} from '../workflows/definitions.js';

/** The refusal a `resendLink` validator's rejection carries (workflows/definitions.ts, RESEND_REFUSED_FAILURE). */
export function resendRejection(err: unknown): ResendRefusal | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  if (err.cause.type !== RESEND_REFUSED_FAILURE) return undefined;
  const [reason] = err.cause.details ?? [];
  return reason === 'rate-limited' ? 'rate-limited' : 'not-waiting';
}

export type StatusResult = ({ status: 'found' } & RenewalStatus) | { status: 'not-found' };
export type OperatorResult<T> = T | { status: 'not-found' };

export function createRenewalOperations({ client, renewalIdSecret }: { client: Client; renewalIdSecret: string }) {
  return {
    workflowIdFor: (numic: string) => renewalWorkflowId(numic, renewalIdSecret),

    /** The latest run of a workflow ID (from `workflowIdFor` or the Temporal UI). */
    async status(workflowId: string): Promise<StatusResult> {
      try {
        return { status: 'found', ...(await client.workflow.getHandle(workflowId).query(statusQuery)) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'not-found' };
        throw err;
      }
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
        const refusal = resendRejection(err);
        if (refusal) return { status: 'refused', reason: refusal };
        if (err instanceof WorkflowNotFoundError) return { status: 'not-found' };
        throw err;
      }
    },
  };
}

export type RenewalOperations = ReturnType<typeof createRenewalOperations>;
