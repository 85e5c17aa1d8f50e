import type { Account, Registry } from '../../adapters/registry.js';
import { hashPassword } from '../../adapters/passwords.js';
import { randomIdentifier } from '../../domain/identifier.js';

export interface DemoAccount {
  numic: string;
  email: string;
  phone: string;
  identifier: string;
  password: string;
}

/** Demo citizens for the embedded setup and the tests. Their passwords are public: demo only. */
export const DEMO_ACCOUNTS: Omit<DemoAccount, 'identifier'>[] = [
  { numic: '2026000001', email: 'camille.martin@example.org', phone: '+33612345601', password: 'Soleil-Marin-2026' },
  { numic: '2026000002', email: 'Louis.Bernard@Example.org', phone: '+33612345602', password: 'Lune-Boreale-2026' },
  { numic: '2026000003', email: 'ines.petit@example.org', phone: '+33612345603', password: 'Etoile-Filante-2026' },
];

export class NotADemoAccountError extends Error {
  override name = 'NotADemoAccountError';
}

/**
 * Creates or resets the demo accounts (fresh identifier each time) and returns their credentials.
 * An account holding a demo NUMIC with another email is a citizen's: it is never overwritten.
 */
export async function seedDemoAccounts(registry: Registry, accounts = DEMO_ACCOUNTS): Promise<(DemoAccount & { account: Account })[]> {
  await registry.ensureIndexes();
  for (const demo of accounts) {
    const holder = await registry.findByNumic(demo.numic);
    if (holder && holder.email.toLowerCase() !== demo.email.toLowerCase()) {
      throw new NotADemoAccountError(
        `NUMIC ${demo.numic} belongs to an account that is not a demo account: npm run seed leaves it alone and stops.`,
      );
    }
  }
  const seeded = [];
  for (const demo of accounts) {
    const identifier = randomIdentifier();
    const account = await registry.upsertByNumic({
      numic: demo.numic,
      email: demo.email,
      phone: demo.phone,
      identifier,
      passwordHash: await hashPassword(demo.password),
    });
    seeded.push({ ...demo, identifier, account });
  }
  return seeded;
}

/**
 * Creates the demo accounts that are missing and leaves the others as they are (their identifier
 * may have been renewed): what `npm start` runs outside production, so a newcomer can try at once.
 */
export async function ensureDemoAccounts(registry: Registry, accounts = DEMO_ACCOUNTS): Promise<DemoAccount[]> {
  await registry.ensureIndexes();
  const present = [];
  for (const demo of accounts) {
    const existing = await registry.findByNumicAndEmail(demo.numic, demo.email);
    if (existing) {
      present.push({ ...demo, identifier: existing.identifier });
      continue;
    }
    const [created] = await seedDemoAccounts(registry, [demo]);
    present.push(created!);
  }
  return present;
}

/** The credentials as a table a person reads in the terminal. */
export function printDemoAccounts(accounts: DemoAccount[]): void {
  console.log('Comptes de démonstration (mots de passe publics, pour la démonstration seulement) :');
  console.table(
    accounts.map(({ numic, email, identifier, password }) => ({
      NUMIC: numic,
      courriel: email,
      identifiant: identifier,
      'mot de passe (SMS)': password,
    })),
  );
}
