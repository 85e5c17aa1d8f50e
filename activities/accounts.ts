/**
 * The registry work of a renewal (run as local activities: short, and the citizen waits on them):
 * find the account, check the secret that authenticates the renewal, change the credential. Every
 * change is idempotent per renewal: a retry returns what the first attempt did.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { hashPassword, verifyTypedPassword } from '../adapters/passwords.js';
import { normaliseIdentifier, randomIdentifier } from '../domain/identifier.js';
import { randomPassword } from '../domain/password.js';
import type { RenewalKind } from '../workflows/definitions.js';
import type { ActivityDependencies } from './dependencies.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
/** Identifiers compared in constant time: here the identifier is the secret. */
const sameIdentifier = (typed: string, actual: string) => timingSafeEqual(digest(normaliseIdentifier(typed)), digest(actual));

export function accountActivities(deps: ActivityDependencies) {
  const { registry, sealer, newIdentifier = randomIdentifier, newPassword = randomPassword } = deps;

  async function requireAccount(accountId: string) {
    const account = await registry.findById(accountId);
    // Not retryable: retrying cannot bring back a deleted account.
    if (!account) throw ApplicationFailure.nonRetryable('account not found', 'AccountNotFound');
    return account;
  }

  return {
    requireAccount,

    /** NUMIC + email (case-insensitive, trimmed). Returns only the account's ID. */
    async findAccount({ numic, email }: { numic: string; email: string }): Promise<{ accountId: string } | null> {
      const account = await registry.findByNumicAndEmail(numic, email);
      return account ? { accountId: account.id } : null;
    },

    /** The password authenticates an identifier renewal; the identifier authenticates a password renewal. */
    async verifySecret({
      accountId,
      kind,
      sealedSecret,
    }: {
      accountId: string;
      kind: RenewalKind;
      sealedSecret: string;
    }): Promise<boolean> {
      const account = await requireAccount(accountId);
      let typed: string;
      try {
        typed = sealer.open(sealedSecret);
      } catch {
        // Not the citizen's doing, and no retry can open it: junk sent straight to Temporal, or the
        // web sealing to a key this worker does not hold. No attempt is counted against the citizen.
        deps.logger?.error({ event: 'sealed-secret-unopenable', kind }, 'a typed secret could not be opened (FIELD_SEAL_* keys?)');
        throw ApplicationFailure.nonRetryable('the typed secret cannot be opened', 'UnopenableSecret');
      }
      return kind === 'identifier' ? verifyTypedPassword(account.passwordHash, typed) : sameIdentifier(typed, account.identifier);
    },

    /** Idempotent: retried with the same renewal ID, it returns the identifier already assigned. */
    async assignNewIdentifier({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<{ identifier: string }> {
      return { identifier: await registry.assignIdentifier(accountId, renewalId, newIdentifier) };
    },

    /**
     * Draws a password, stores its hash (the old password dies at once) and keeps it sealed for the
     * worker until its SMS has gone (messages.ts): a retry stores and sends the same one. Returns
     * only the last two digits of the phone it goes to.
     */
    async issueNewPassword({ accountId, renewalId }: { accountId: string; renewalId: string }): Promise<{ phoneEnding: string }> {
      const account = await requireAccount(accountId);
      await registry.issuePassword(accountId, renewalId, async () => {
        const password = newPassword();
        return { passwordHash: await hashPassword(password), sealedPassword: sealer.seal(password) };
      });
      return { phoneEnding: account.phone.replace(/\D/g, '').slice(-2) };
    },
  };
}
