/**
 * Seeds the bench's citizens through the registry adapter. NUMICs and emails are derived from a
 * prefix and an index (the database is new at every run); each citizen's password is returned in
 * clear for the driver, stored as an argon2id hash like any other.
 */
import { randomIdentifier } from '../../domain/identifier.js';
import { hashPassword } from '../../adapters/passwords.js';
import type { Registry } from '../../adapters/registry.js';
import { runPool } from './pool.js';

export interface BenchCitizen {
  numic: string;
  email: string;
  identifier: string;
  password: string;
}

export interface SeedOptions {
  /** One capital letter: W warm-up, E end to end, H hold, X expiry. */
  prefix: string;
  count: number;
  /**
   * true: one password and hash per citizen (argon2id, ~50 ms of CPU each). false: one shared
   * password, hashed once, for thousands of citizens; verifying it costs the same.
   */
  distinctPasswords: boolean;
}

export const citizenFor = (prefix: string, index: number, password: string): Omit<BenchCitizen, 'identifier'> => ({
  numic: `${prefix}${String(index).padStart(9, '0')}`,
  email: `${prefix.toLowerCase()}${index}@bench.example.org`,
  password,
});

export async function seedCitizens(registry: Registry, { prefix, count, distinctPasswords }: SeedOptions): Promise<BenchCitizen[]> {
  const shared = `Banc-${prefix}-partage-2026`;
  const sharedHash = distinctPasswords ? undefined : await hashPassword(shared);
  const citizens: BenchCitizen[] = new Array(count);
  const result = await runPool(count, 16, async (index) => {
    const password = distinctPasswords ? `Banc-${prefix}-${index}-2026` : shared;
    const citizen = { ...citizenFor(prefix, index, password), identifier: randomIdentifier() };
    await registry.create({
      numic: citizen.numic,
      email: citizen.email,
      phone: `+336${String(index).padStart(8, '0')}`,
      identifier: citizen.identifier,
      passwordHash: sharedHash ?? (await hashPassword(password)),
    });
    citizens[index] = citizen;
  });
  if (result.failures.length > 0) throw new Error(`seeding ${prefix}: ${result.failures.length} failed, e.g. ${result.failures[0]!.error}`);
  return citizens;
}
