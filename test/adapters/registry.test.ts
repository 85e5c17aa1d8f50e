/** The registry adapter against FerretDB: the atomic, idempotent identifier assignment. */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import { cryptoIdentifier } from '../../activities/index.js';
import { loadConfig } from '../../config/index.js';

let registry: Registry;

beforeAll(async () => {
  const config = loadConfig(process.env);
  registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  await registry.ensureIndexes();
});
afterAll(() => registry?.close());

const newAccount = () => {
  const numic = String(randomInt(1e9, 1e10));
  return registry.create({ numic, email: `Registre.${numic}@Example.org`, phone: '+33600000000', identifier: cryptoIdentifier(), passwordHash: 'x' });
};

describe('registry', () => {
  it('finds an account by NUMIC and email, the email compared case-insensitively after trimming', async () => {
    const account = await newAccount();
    expect((await registry.findByNumicAndEmail(account.numic, `  ${account.email.toLowerCase()} `))?.id).toBe(account.id);
    expect(await registry.findByNumicAndEmail(account.numic, 'autre@example.org')).toBeNull();
  });

  it('assigns one identifier per renewal, however often the assignment is retried', async () => {
    const account = await newAccount();
    const [first, second] = await Promise.all([
      registry.assignIdentifier(account.id, 'renouvellement-a/run-1', cryptoIdentifier),
      registry.assignIdentifier(account.id, 'renouvellement-a/run-1', cryptoIdentifier),
    ]);
    expect(second).toBe(first);
    expect((await registry.findById(account.id))?.identifier).toBe(first);
    expect(await registry.findByIdentifier(account.identifier)).toBeNull();
    const next = await registry.assignIdentifier(account.id, 'renouvellement-a/run-2', cryptoIdentifier);
    expect(next).not.toBe(first);
  });

  it('draws again when the identifier drawn is already taken (unique index)', async () => {
    const [taken, account] = [await newAccount(), await newAccount()];
    const draws = [taken.identifier, cryptoIdentifier()];
    const assigned = await registry.assignIdentifier(account.id, 'renouvellement-b/run-1', () => draws.shift()!);
    expect(assigned).not.toBe(taken.identifier);
    expect(draws).toHaveLength(0);
    expect((await registry.findById(taken.id))?.identifier).toBe(taken.identifier);
  });

  it('records a notification once', async () => {
    const account = await newAccount();
    expect(await registry.markNotificationSent(account.id, 'r/1:sms')).toBe(true);
    expect(await registry.markNotificationSent(account.id, 'r/1:sms')).toBe(false);
    expect(await registry.hasSentNotification(account.id, 'r/1:sms')).toBe(true);
  });
});
