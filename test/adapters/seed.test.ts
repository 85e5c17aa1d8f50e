/** The seed command's accounts: created, then reset on a second run, with working credentials. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import { verifyPassword } from '../../adapters/passwords.js';
import { loadConfig } from '../../config/index.js';
import { isWellFormedIdentifier } from '../../domain/identifier.js';
import { hashPassword } from '../../adapters/passwords.js';
import { randomIdentifier } from '../../domain/identifier.js';
import { DEMO_ACCOUNTS, NotADemoAccountError, seedDemoAccounts } from '../../dev/scripts/seed-accounts.js';

let registry: Registry;
beforeAll(async () => {
  const config = loadConfig(process.env);
  registry = await connectRegistry(config.mongo.uri, config.mongo.database);
});
afterAll(() => registry?.close());

describe('seedDemoAccounts', () => {
  it('creates the demo accounts with argon2id passwords, and resets them when run again', async () => {
    const first = await seedDemoAccounts(registry);
    expect(first.map((a) => a.numic)).toEqual(DEMO_ACCOUNTS.map((a) => a.numic));
    for (const demo of first) {
      expect(isWellFormedIdentifier(demo.identifier)).toBe(true);
      const stored = await registry.findByIdentifier(demo.identifier);
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(stored!.passwordHash, demo.password)).toBe(true);
      expect((await registry.findByNumicAndEmail(demo.numic, demo.email))?.id).toBe(stored!.id);
    }
    const second = await seedDemoAccounts(registry);
    expect(second.map((a) => a.account.id)).toEqual(first.map((a) => a.account.id));
    expect(await registry.findByIdentifier(first[0]!.identifier)).toBeNull();
  });

  it('refuses to overwrite an account holding a demo NUMIC with another email (a citizen’s), and changes nothing', async () => {
    const demo = { numic: '2026999999', email: 'demo@example.org', phone: '+33600000000', password: 'Demo-2026' };
    const citizen = await registry.create({
      numic: demo.numic,
      email: 'vrai.usager@example.org',
      phone: '+33611111111',
      identifier: randomIdentifier(),
      passwordHash: await hashPassword('Le-Sien-2026'),
    });
    await expect(seedDemoAccounts(registry, [demo])).rejects.toThrow(NotADemoAccountError);
    expect(await registry.findById(citizen.id)).toEqual(citizen);
  });
});
