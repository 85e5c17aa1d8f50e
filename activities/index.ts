/**
 * The renewal's side effects, built from their dependencies so tests pass real ones
 * (FerretDB, Mailpit, a scratch SMS outbox) without module mocking.
 */
import { randomInt } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Mailer } from '../adapters/mailer.js';
import type { Account, Registry } from '../adapters/registry.js';
import type { SmsProvider } from '../adapters/sms/index.js';
import { hashLinkSecret, newLinkSecret } from '../domain/link-secret.js';
import { verifyPassword as verifyPasswordHash } from '../adapters/passwords.js';
import type { FieldSealer } from '../codec/sealed-field.js';
import { identifierFrom } from '../domain/identifier.js';
import { linkUrl } from '../domain/renewal-link.js';
import { identifierChangedEmail, identifierChangedSms, renewalLinkEmail } from '../copy/emails.js';

export interface ActivityDependencies {
  registry: Registry;
  mailer: Mailer;
  sms: SmsProvider;
  publicBaseUrl: string;
  helpdeskEmail: string;
  /** Opens the passwords the client sealed (codec/sealed-field.ts). */
  sealer: FieldSealer;
  /** Crypto randomness by default; injectable to force identifier collisions in tests. */
  newIdentifier?: () => string;
}

export const cryptoIdentifier = () => identifierFrom((max) => randomInt(max));

export function createActivities(deps: ActivityDependencies) {
  const { registry, mailer, sms, publicBaseUrl, helpdeskEmail, sealer, newIdentifier = cryptoIdentifier } = deps;

  async function requireAccount(accountId: string) {
    const account = await registry.findById(accountId);
    // Not retryable: retrying cannot bring back a deleted account.
    if (!account) throw ApplicationFailure.nonRetryable('account not found', 'AccountNotFound');
    return account;
  }

  return {
    /** NUMIC + email (case-insensitive, trimmed). Returns only the account's ID. */
    async findAccount({ numic, email }: { numic: string; email: string }): Promise<{ accountId: string } | null> {
      const account = await registry.findByNumicAndEmail(numic, email);
      return account ? { accountId: account.id } : null;
    },

    /**
     * Draws the link secret, emails the link, returns only the secret's hash. A retry draws a new
     * secret: the link of a lost attempt simply never matches.
     */
    async sendRenewalLink({ accountId, validForMs }: { accountId: string; validForMs: number }): Promise<{ linkHash: string }> {
      const account = await requireAccount(accountId);
      const { workflowId, runId } = Context.current().info.workflowExecution!;
      const secret = newLinkSecret();
      const email = renewalLinkEmail(linkUrl(publicBaseUrl, { workflowId, runId, secret }), validForMs);
      await mailer.send({ to: account.email, ...email });
      return { linkHash: hashLinkSecret(secret) };
    },

    async verifyPassword({ accountId, sealedPassword }: { accountId: string; sealedPassword: string }): Promise<boolean> {
      const account = await requireAccount(accountId);
      return verifyPasswordHash(account.passwordHash, sealer.open(sealedPassword));
    },

    /** Idempotent: retried with the same renewal ID, it returns the identifier already assigned. */
    async assignNewIdentifier({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<{ identifier: string }> {
      return { identifier: await registry.assignIdentifier(accountId, renewalId, newIdentifier) };
    },

    /**
     * Both notices, each at most once per renewal (a retry sends only the one that failed): one
     * activity instead of one per channel spares the server an activity and a workflow task.
     */
    async notifyIdentifierChanged({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<void> {
      const account = await requireAccount(accountId);
      const sent = await Promise.allSettled([notifyByEmail(account, renewalId), notifyBySms(account, renewalId)]);
      const failed = sent.flatMap((result, i) =>
        result.status === 'rejected' ? [`${['email', 'SMS'][i]}: ${(result.reason as Error)?.message}`] : [],
      );
      if (failed.length > 0) throw new Error(`notice not sent (${failed.join('; ')})`);
    },

    // Runs started before the single notice activity (workflows/patches.ts) still schedule these.
    async notifyIdentifierChangedByEmail({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<void> {
      await notifyByEmail(await requireAccount(accountId), renewalId);
    },

    async notifyIdentifierChangedBySms({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<void> {
      await notifyBySms(await requireAccount(accountId), renewalId);
    },
  };

  async function notifyByEmail(account: Account, renewalId: string): Promise<void> {
    const key = `${renewalId}:email`;
    if (await registry.hasSentNotification(account.id, key)) return;
    await mailer.send({ to: account.email, ...identifierChangedEmail(helpdeskEmail) });
    await registry.markNotificationSent(account.id, key);
  }

  async function notifyBySms(account: Account, renewalId: string): Promise<void> {
    const key = `${renewalId}:sms`;
    if (await registry.hasSentNotification(account.id, key)) return;
    await sms.send({ to: account.phone, text: identifierChangedSms(), idempotencyKey: key });
    await registry.markNotificationSent(account.id, key);
  }
}

export type RenewalActivities = ReturnType<typeof createActivities>;
