/**
 * What a renewal tells the citizen, by email and SMS. Each message goes once per renewal and channel
 * (a notification marker in the registry; a retry sends only what failed), except the link email,
 * which a retry sends again with the same link (domain/link-secret.ts).
 */
import { Context } from '@temporalio/activity';
import pRetry from 'p-retry';
import type { Account } from '../adapters/registry.js';
import { openLinkToken, sealLinkToken } from '../codec/link-token.js';
import {
  SMS,
  credentialChangedEmail,
  lockoutEmail,
  refusalEmail,
  renewalLinkEmail,
  type EmailContent,
  type RefusalReason,
} from '../copy/emails.js';
import { hashLinkSecret, linkSecretFor } from '../domain/link-secret.js';
import { linkUrl } from '../domain/paths.js';
import type { RenewalKind } from '../workflows/definitions.js';
import type { accountActivities } from './accounts.js';
import type { ActivityDependencies } from './dependencies.js';

type RequireAccount = ReturnType<typeof accountActivities>['requireAccount'];

export function messageActivities(deps: ActivityDependencies, requireAccount: RequireAccount) {
  const { registry, mailer, sms, publicBaseUrl, helpdeskEmail, sealer, linkKey, linkSecretKey } = deps;

  /**
   * Sends once per key: a marker is checked before the send and written after it. A message that
   * went out is recorded however long the registry is away (the activity heartbeats meanwhile): an
   * attempt that failed there would make its retry send the message again.
   */
  async function once(account: Account, key: string, send: () => Promise<void>) {
    if (await registry.hasSentNotification(account.id, key)) return;
    await send();
    const context = Context.current();
    await pRetry(() => registry.markNotificationSent(account.id, key), {
      retries: Infinity,
      minTimeout: 500,
      maxTimeout: 5_000,
      signal: context.cancellationSignal, // the attempt timed out or the renewal was cancelled
      onFailedAttempt: () => context.heartbeat(),
    });
  }
  const email = (account: Account, key: string, content: EmailContent) =>
    once(account, key, () => mailer.send({ to: account.email, ...content }));
  const text = (account: Account, key: string, message: string) =>
    once(account, key, () => sms.send({ to: account.phone, text: message, idempotencyKey: key }));

  /** Sends every notice, each at most once, and fails (to be retried) if any did not go. */
  async function all(notices: { channel: string; send: () => Promise<void> }[]) {
    const sent = await Promise.allSettled(notices.map((n) => n.send()));
    const failed = sent.flatMap((result, i) =>
      result.status === 'rejected' ? [`${notices[i]!.channel}: ${(result.reason as Error)?.message}`] : [],
    );
    if (failed.length > 0) throw new Error(`notice not sent (${failed.join('; ')})`);
  }

  return {
    /** Emails the link (the same one if the activity is retried), returns only its secret's hash. */
    async emailRenewalLink({
      accountId,
      kind,
      validForMs,
    }: {
      accountId: string;
      kind: RenewalKind;
      validForMs: number;
    }): Promise<{ linkHash: string }> {
      const account = await requireAccount(accountId);
      const { workflowExecution, activityId } = Context.current().info;
      const { workflowId, runId } = workflowExecution!;
      const secret = linkSecretFor(linkSecretKey, { workflowId, runId, activityId });
      const token = sealLinkToken(linkKey, { workflowId, runId, secret });
      if (openLinkToken(linkKey, token)?.secret !== secret) throw new Error('link token does not round-trip'); // never email a dead link
      await mailer.send({ to: account.email, ...renewalLinkEmail(kind, linkUrl(publicBaseUrl, kind, token), validForMs) });
      return { linkHash: hashLinkSecret(secret) };
    },

    /**
     * The change is done: an identifier renewal notifies by email and SMS; a password renewal sends
     * the new password by SMS (then forgets it) and notifies by email.
     */
    async notifyChange({ accountId, renewalId, kind }: { accountId: string; renewalId: string; kind: RenewalKind }): Promise<void> {
      const account = await requireAccount(accountId);
      const byEmail = { channel: 'email', send: () => email(account, `${renewalId}:email`, credentialChangedEmail(kind, helpdeskEmail)) };
      if (kind === 'identifier') {
        return all([byEmail, { channel: 'SMS', send: () => text(account, `${renewalId}:sms`, SMS.identifierChanged) }]);
      }
      const sendPassword = async () => {
        const sealed = await registry.issuedPassword(renewalId);
        if (sealed) await text(account, `${renewalId}:sms`, SMS.newPassword(sealer.open(sealed)));
        await registry.forgetIssuedPassword(renewalId);
      };
      return all([byEmail, { channel: 'SMS', send: sendPassword }]);
    },

    /** A renewal locked after too many wrong secrets: the citizen hears of it on both channels. */
    async notifyLockout({ accountId, renewalId, kind }: { accountId: string; renewalId: string; kind: RenewalKind }): Promise<void> {
      const account = await requireAccount(accountId);
      deps.logger?.info({ event: 'renewal-locked-out', renewal: renewalId, kind }, 'renewal locked after too many wrong secrets');
      return all([
        { channel: 'email', send: () => email(account, `${renewalId}:lockout-email`, lockoutEmail(kind, helpdeskEmail)) },
        { channel: 'SMS', send: () => text(account, `${renewalId}:lockout-sms`, SMS.lockout(kind)) },
      ]);
    },

    /** Why a request started nothing, to the account's own email (the page says the same to everyone). */
    async emailRefusal(input: {
      accountId: string;
      noticeId: string;
      requestedKind: RenewalKind;
      reason: RefusalReason;
      otherKind: RenewalKind;
      until: number;
    }): Promise<void> {
      const account = await requireAccount(input.accountId);
      const { workflowId } = Context.current().info.workflowExecution!;
      deps.logger?.info({ event: 'renewal-refused', workflowId, reason: input.reason, kind: input.requestedKind }, 'renewal refused');
      await email(account, input.noticeId, refusalEmail(input.requestedKind, input.reason, input.otherKind, input.until, helpdeskEmail));
    },
  };
}
