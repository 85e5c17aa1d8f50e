/**
 * What the web may ask of the registry: logging a citizen in, and checking that a logged-in
 * session's credentials still hold. Nothing here decides a renewal (the workflow does).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyTypedPassword } from '../adapters/passwords.js';
import type { Account, Registry } from '../adapters/registry.js';
import { normaliseIdentifier } from '../domain/identifier.js';

export interface Login {
  accountId: string;
  identifier: string;
  /** Changes when the identifier or the password does: a session holding an old one has ended. */
  credentials: string;
}

export type LoginResult = ({ status: 'logged-in' } & Login) | { status: 'refused' };

const credentialsOf = (account: Pick<Account, 'identifier' | 'passwordHash'>) =>
  createHash('sha256').update(`${account.identifier}\0${account.passwordHash}`).digest('base64url');

export function createAccountLogin(registry: Pick<Registry, 'findByIdentifier' | 'findById'>) {
  // An unknown identifier still costs one argon2 verification: the answer time does not tell.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashPassword(randomBytes(16).toString('hex')));

  return {
    async logIn(typedIdentifier: string, password: string): Promise<LoginResult> {
      const account = await registry.findByIdentifier(normaliseIdentifier(typedIdentifier));
      if (!account) {
        await verifyTypedPassword(await decoyHash(), password);
        return { status: 'refused' };
      }
      if (!(await verifyTypedPassword(account.passwordHash, password))) return { status: 'refused' };
      return { status: 'logged-in', accountId: account.id, identifier: account.identifier, credentials: credentialsOf(account) };
    },

    /** False once the account's identifier or password changed since this login (ASVS 3.3.3). */
    async stillValid(login: Login): Promise<boolean> {
      const account = await registry.findById(login.accountId);
      return account !== null && credentialsOf(account) === login.credentials;
    },
  };
}

export type AccountLogin = ReturnType<typeof createAccountLogin>;
