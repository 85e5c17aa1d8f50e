/**
 * Links emailed by runs of the first workflow type (workflows/legacy/), answered with today's
 * results until those runs are gone; this file goes with them. The page still only reads: the
 * legacy `openLink` update (which started its password window) is sent when the citizen submits.
 */
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { FieldSealer } from '../codec/sealed-field.js';
import { hashLinkSecret } from '../domain/link-secret.js';
import { parseLegacyLinkToken } from '../domain/renewal-link.js';
import { linkStateQuery, openLinkUpdate, statusQuery, submitPasswordUpdate, type OpenLinkResult } from '../workflows/legacy/definitions.js';
import type { LinkState, SubmitSecretResult } from '../workflows/definitions.js';

const DEAD_UNKNOWN = { status: 'dead', reason: 'unknown' } as const;

/**
 * The first workflow type's updates have no validator and their handlers never fail: a rejected
 * one means the link names a run of another type (today's, which has no `openLink`), so in this
 * format it is a link nobody was sent.
 */
function rejectedAsUnknown(err: unknown): typeof DEAD_UNKNOWN {
  if (err instanceof WorkflowUpdateFailedError) return DEAD_UNKNOWN;
  throw err;
}

export function legacyRenewals(client: Client, sealer: FieldSealer) {
  function target(token: string) {
    const parsed = parseLegacyLinkToken(token)!;
    return { handle: client.workflow.getHandle(parsed.workflowId, parsed.runId), linkHash: hashLinkSecret(parsed.secret) };
  }

  async function notFoundAsDead<T>(handle: WorkflowHandle, linkHash: string, call: () => Promise<T>): Promise<T | OpenLinkResult> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const state = await handle.query(linkStateQuery, { linkHash }).catch(() => DEAD_UNKNOWN);
      return state.status === 'dead' ? state : DEAD_UNKNOWN;
    }
  }

  return {
    async linkState(token: string): Promise<LinkState> {
      const { handle, linkHash } = target(token);
      const state = await notFoundAsDead(handle, linkHash, () => handle.query(linkStateQuery, { linkHash }));
      if (state.status === 'dead') return state;
      const { deadline } = await handle.query(statusQuery);
      return { status: 'open', kind: 'identifier', expiresAt: deadline ?? state.passwordDeadline, attemptsLeft: state.attemptsLeft };
    },

    async submitPassword(token: string, password: string): Promise<SubmitSecretResult> {
      const { handle, linkHash } = target(token);
      const opened = await notFoundAsDead(handle, linkHash, () => handle.executeUpdate(openLinkUpdate, { args: [{ linkHash }] })).catch(
        rejectedAsUnknown,
      );
      if (opened.status === 'dead') return opened;
      const result = await notFoundAsDead(handle, linkHash, () =>
        handle.executeUpdate(submitPasswordUpdate, { args: [{ linkHash, sealedPassword: sealer.seal(password) }] }),
      );
      switch (result.status) {
        case 'completed':
          return { status: 'completed', kind: 'identifier', identifier: result.identifier };
        case 'wrong-password':
          return { status: 'wrong-secret', attemptsLeft: result.attemptsLeft };
        case 'dead':
          return result;
        case 'open':
          return DEAD_UNKNOWN;
      }
    },
  };
}
