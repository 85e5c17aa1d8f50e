/**
 * The activities only the first workflow type schedules (workflows/legacy/renewal-v1.ts), kept for
 * its runs in flight; they go with it. Its links keep their first format (domain/renewal-link.ts).
 */
import { Context } from '@temporalio/activity';
import { verifyPassword } from '../adapters/passwords.js';
import type { Account } from '../adapters/registry.js';
import { SMS, credentialChangedEmail, renewalLinkEmail } from '../copy/emails.js';
import { hashLinkSecret, newLinkSecret } from '../domain/link-secret.js';
import { linkUrl } from '../domain/paths.js';
import { formatLegacyLinkToken } from '../domain/renewal-link.js';
import type { accountActivities } from './accounts.js';
import type { ActivityDependencies } from './dependencies.js';

type Accounts = ReturnType<typeof accountActivities>;

export function legacyActivities(deps: ActivityDependencies, accounts: Accounts) {
  const { registry, mailer, sms, publicBaseUrl, helpdeskEmail, sealer } = deps;
  const { requireAccount } = accounts;

  async function notifyByEmail(account: Account, renewalId: string) {
    const key = `${renewalId}:email`;
    if (await registry.hasSentNotification(account.id, key)) return;
    await mailer.send({ to: account.email, ...credentialChangedEmail('identifier', helpdeskEmail) });
    await registry.markNotificationSent(account.id, key);
  }

  async function notifyBySms(account: Account, renewalId: string) {
    const key = `${renewalId}:sms`;
    if (await registry.hasSentNotification(account.id, key)) return;
    await sms.send({ to: account.phone, text: SMS.identifierChanged, idempotencyKey: key });
    await registry.markNotificationSent(account.id, key);
  }

  return {
    async sendRenewalLink({ accountId, validForMs }: { accountId: string; validForMs: number }): Promise<{ linkHash: string }> {
      const account = await requireAccount(accountId);
      const { workflowId, runId } = Context.current().info.workflowExecution!;
      const secret = newLinkSecret();
      const link = linkUrl(publicBaseUrl, 'identifier', formatLegacyLinkToken({ workflowId, runId, secret }));
      await mailer.send({ to: account.email, ...renewalLinkEmail('identifier', link, validForMs) });
      return { linkHash: hashLinkSecret(secret) };
    },

    async verifyPassword({ accountId, sealedPassword }: { accountId: string; sealedPassword: string }): Promise<boolean> {
      const account = await requireAccount(accountId);
      return verifyPassword(account.passwordHash, sealer.open(sealedPassword));
    },

    async notifyIdentifierChanged({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<void> {
      const account = await requireAccount(accountId);
      const sent = await Promise.allSettled([notifyByEmail(account, renewalId), notifyBySms(account, renewalId)]);
      const failed = sent.flatMap((r, i) => (r.status === 'rejected' ? [`${['email', 'SMS'][i]}: ${(r.reason as Error)?.message}`] : []));
      if (failed.length > 0) throw new Error(`notice not sent (${failed.join('; ')})`);
    },

    async notifyIdentifierChangedByEmail({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<void> {
      await notifyByEmail(await requireAccount(accountId), renewalId);
    },

    async notifyIdentifierChangedBySms({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<void> {
      await notifyBySms(await requireAccount(accountId), renewalId);
    },
  };
}

/** What the legacy workflow schedules: its own activities, and the two it shares with the current one. */
export type LegacyRenewalActivities = ReturnType<typeof legacyActivities> & Pick<Accounts, 'findAccount' | 'assignNewIdentifier'>;
