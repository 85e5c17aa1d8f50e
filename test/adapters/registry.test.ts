/**
 * The registry adapter against the embedded registry server (mongo-java-server on H2; a real
 * MongoDB with TEST_MONGODB_URI): lookups that are _id reads, uniqueness claims and unique indexes
 * (duplicate key 11000), the atomic, idempotent identifier assignment and password issue, each also
 * raced by concurrent callers: every operation the product makes, since the embedded server
 * implements less of MongoDB than MongoDB does.
 */
import { randomBytes, randomInt } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistry, type Account, type NewAccount, type Registry } from '../../adapters/registry.js';
import { randomIdentifier } from '../../domain/identifier.js';
import { loadConfig } from '../../config/index.js';

const config = loadConfig(process.env);
// A database of its own: another file's ensureIndexes would backfill what these tests leave unclaimed.
const database = `registry_tests_${randomBytes(4).toString('hex')}`;
let registry: Registry;
/** Straight to the database, as an older version or a crash left it. */
let db: mongoose.mongo.Db;
let direct: mongoose.Connection;

beforeAll(async () => {
  registry = await connectRegistry(config.mongo.uri, database);
  await registry.ensureIndexes();
  direct = await mongoose.createConnection(config.mongo.uri, { dbName: database, serverSelectionTimeoutMS: 10_000 }).asPromise();
  db = direct.db!;
});
afterAll(async () => {
  await direct?.dropDatabase();
  await direct?.close();
  await registry?.close();
});

interface Claim {
  _id: string;
  accountId: string;
  at?: Date;
}
const claims = (name: 'account_numics' | 'account_identifiers') => db.collection<Claim>(name);

const freshNumic = () => String(randomInt(1e9, 1e10));
const newAccount = (overrides: Partial<NewAccount> = {}) => {
  const numic = overrides.numic ?? freshNumic();
  const email = `Registre.${numic}@Example.org`;
  return registry.create({ numic, email, phone: '+33600000000', identifier: randomIdentifier(), passwordHash: 'x', ...overrides });
};
const duplicateKey = { code: 11000 };
/** An account as an earlier version stored it: no claims. */
const storedBeforeClaims = (numic: string, identifier: string) => ({
  numic,
  email: 'Ancien.Compte@Example.org',
  emailNormalised: 'ancien.compte@example.org',
  phone: '+33600000000',
  identifier,
  passwordHash: 'x',
});

/** The collection and filter of every query the registry sends while `run` runs. */
async function queriesOf(run: () => Promise<void>) {
  const queries: { collection: string; filter: Record<string, unknown> }[] = [];
  mongoose.set('debug', (collection: string, _method: string, filter: Record<string, unknown>) => {
    queries.push({ collection, filter });
  });
  try {
    await run();
  } finally {
    mongoose.set('debug', false);
  }
  return queries;
}

const lookUpBoth = async (byNumic: Account, byIdentifier: Account) => {
  const dashed = `${byNumic.numic.slice(0, 5)}-${byNumic.numic.slice(5)}`;
  expect((await registry.findByNumicAndEmail(dashed, byNumic.email))?.id).toBe(byNumic.id);
  expect((await registry.findByIdentifier(byIdentifier.identifier))?.id).toBe(byIdentifier.id);
};

describe('registry', () => {
  it('finds an account by NUMIC and email, the email compared case-insensitively after trimming', async () => {
    const account = await newAccount();
    expect((await registry.findByNumicAndEmail(account.numic, `  ${account.email.toLowerCase()} `))?.id).toBe(account.id);
    expect(await registry.findByNumicAndEmail(account.numic, 'autre@example.org')).toBeNull();
    expect(await registry.findByNumicAndEmail(freshNumic(), account.email)).toBeNull();
  });

  it('finds an account by identifier, and nothing for an identifier never issued', async () => {
    const [account, other] = [await newAccount(), await newAccount()];
    expect(await registry.findByIdentifier(account.identifier)).toEqual(account);
    expect((await registry.findByIdentifier(other.identifier))?.id).toBe(other.id);
    expect(await registry.findByIdentifier(randomIdentifier())).toBeNull();
  });

  it('looks accounts up by NUMIC and by identifier with filters on _id alone', async () => {
    const [account, other] = [await newAccount(), await newAccount()];
    const queries = await queriesOf(() => lookUpBoth(account, other));
    expect(queries.map((q) => q.collection)).toEqual(['account_numics', 'accounts', 'account_identifiers', 'accounts']);
    for (const { filter } of queries) expect(Object.keys(filter)).toEqual(['_id']);
  });

  it('creates the unique indexes, which refuse a duplicate written around the claims (code 11000)', async () => {
    const unique = async (collection: string) =>
      (await db.collection(collection).indexes()).filter((index) => index.unique).map((index) => Object.keys(index.key));
    expect(await unique('accounts')).toEqual(expect.arrayContaining([['numic'], ['identifier']]));
    expect(await unique('identifier_assignments')).toEqual([['identifier']]);
    const account = await newAccount();
    await expect(db.collection('accounts').insertOne(storedBeforeClaims(account.numic, randomIdentifier()))).rejects.toMatchObject(
      duplicateKey,
    );
    await expect(db.collection('accounts').insertOne(storedBeforeClaims(freshNumic(), account.identifier))).rejects.toMatchObject(
      duplicateKey,
    );
    // ensureIndexes again: nothing changes, nothing fails.
    await registry.ensureIndexes();
    expect(await unique('accounts')).toEqual(expect.arrayContaining([['numic'], ['identifier']]));
  });

  // The embedded server answers the losers of a creation race with an unknown error: six at once
  // lose it in every round. (It then cannot always drop such a database, « index not found »: these
  // stay, in the test data folder that every run wipes.)
  it('sets up a fresh database from several processes at once (a worker and webs starting together)', async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = `registry_setup_${randomBytes(4).toString('hex')}`;
      const starting = await Promise.all(Array.from({ length: 6 }, () => connectRegistry(config.mongo.uri, fresh)));
      try {
        const results = await Promise.allSettled(starting.map((r) => r.ensureIndexes()));
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        const indexes = await direct.useDb(fresh).db!.collection('accounts').indexes();
        expect(indexes.filter((index) => index.unique).map((index) => Object.keys(index.key))).toEqual(
          expect.arrayContaining([['numic'], ['identifier']]),
        );
      } finally {
        await Promise.all(starting.map((r) => r.close()));
      }
    }
  });

  it('lets one of two creates racing for a NUMIC through, refuses the other (11000) and leaves none of its claims', async () => {
    const numic = freshNumic();
    const identifiers = [randomIdentifier(), randomIdentifier()];
    const outcomes = await Promise.allSettled(identifiers.map((identifier) => newAccount({ numic, identifier })));
    const created = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(created).toHaveLength(1);
    expect(refused).toEqual([expect.objectContaining(duplicateKey)]);
    const loser = identifiers.find((identifier) => identifier !== created[0]!.identifier)!;
    expect(await claims('account_identifiers').findOne({ _id: loser })).toBeNull();
    expect((await registry.findByNumicAndEmail(numic, created[0]!.email))?.id).toBe(created[0]!.id);
  });

  it('refuses a second account with the same NUMIC or identifier, and the refused create leaves no claim', async () => {
    const account = await newAccount();
    await expect(newAccount({ numic: `${account.numic.slice(0, 3)} ${account.numic.slice(3)}` })).rejects.toMatchObject(duplicateKey);
    const numic = freshNumic();
    await expect(newAccount({ numic, identifier: account.identifier })).rejects.toMatchObject(duplicateKey);
    const created = await newAccount({ numic });
    expect((await registry.findByNumicAndEmail(numic, created.email))?.id).toBe(created.id);
    expect((await registry.findByNumicAndEmail(account.numic, account.email))?.id).toBe(account.id);
    expect((await registry.findByIdentifier(account.identifier))?.id).toBe(account.id);
  });

  it('takes over the claims of a create that stopped before inserting its account, not those of one in flight', async () => {
    const nobody = new mongoose.Types.ObjectId().toHexString();
    const [numic, identifier, longAgo] = [freshNumic(), randomIdentifier(), new Date(Date.now() - 3_600_000)];
    await claims('account_numics').insertOne({ _id: numic, accountId: nobody, at: longAgo });
    await claims('account_identifiers').insertOne({ _id: identifier, accountId: nobody });
    expect(await registry.findByIdentifier(identifier)).toBeNull();
    const account = await newAccount({ numic, identifier });
    expect((await registry.findByNumicAndEmail(numic, account.email))?.id).toBe(account.id);
    expect((await registry.findByIdentifier(identifier))?.id).toBe(account.id);

    const inFlight = freshNumic();
    await claims('account_numics').insertOne({ _id: inFlight, accountId: nobody, at: new Date() });
    await expect(newAccount({ numic: inFlight })).rejects.toMatchObject(duplicateKey);
  });

  it('backfills, idempotently, the claims of accounts and assignments stored before claims existed', async () => {
    const [numic, identifier, former] = [freshNumic(), randomIdentifier(), randomIdentifier()];
    const { insertedId } = await db.collection('accounts').insertOne(storedBeforeClaims(numic, identifier));
    const accountId = insertedId.toHexString();
    await db
      .collection<Claim & { identifier: string }>('identifier_assignments')
      .insertOne({ _id: `renouvellement-e/${numic}`, accountId, identifier: former, at: new Date() });
    expect(await registry.findByNumicAndEmail(numic, 'ancien.compte@example.org')).toBeNull();

    await registry.ensureIndexes();
    await registry.ensureIndexes();
    expect((await registry.findByNumicAndEmail(numic, 'ancien.compte@example.org'))?.id).toBe(accountId);
    expect((await registry.findByIdentifier(identifier))?.id).toBe(accountId);
    expect(await registry.findByIdentifier(former)).toBeNull();
    await expect(newAccount({ numic })).rejects.toMatchObject(duplicateKey);
    // Both identifiers were issued: never again.
    const other = await newAccount();
    const draws = [former, identifier, randomIdentifier()];
    const assigned = await registry.assignIdentifier(other.id, `renouvellement-f/${numic}`, () => draws.shift()!);
    expect([former, identifier]).not.toContain(assigned);
    expect(draws).toHaveLength(0);
  });

  it('draws again when the identifier drawn is the one of an account not backfilled yet, and lets the backfill claim it', async () => {
    const [numic, identifier] = [freshNumic(), randomIdentifier()];
    const { insertedId } = await db.collection('accounts').insertOne(storedBeforeClaims(numic, identifier));
    const account = await newAccount();
    const draws = [identifier, randomIdentifier()];
    const assigned = await registry.assignIdentifier(account.id, `renouvellement-h/${numic}`, () => draws.shift()!);
    expect(assigned).not.toBe(identifier);
    expect(draws).toHaveLength(0);
    await registry.ensureIndexes();
    expect((await registry.findByIdentifier(identifier))?.id).toBe(insertedId.toHexString());
  });

  it('assigns one identifier per renewal, however often the assignment is retried', async () => {
    const account = await newAccount();
    const [first, second] = await Promise.all([
      registry.assignIdentifier(account.id, 'renouvellement-a/run-1', randomIdentifier),
      registry.assignIdentifier(account.id, 'renouvellement-a/run-1', randomIdentifier),
    ]);
    expect(second).toBe(first);
    expect((await registry.findById(account.id))?.identifier).toBe(first);
    expect(await registry.findByIdentifier(account.identifier)).toBeNull();
    expect((await registry.findByIdentifier(first))?.id).toBe(account.id);
    const next = await registry.assignIdentifier(account.id, 'renouvellement-a/run-2', randomIdentifier);
    expect(next).not.toBe(first);
    expect(await registry.findByIdentifier(first)).toBeNull();
  });

  it('gives concurrent callers for one renewal the same identifier; the others drawn are never valid', async () => {
    const account = await newAccount();
    const drawn: string[] = [];
    const draw = () => {
      drawn.push(randomIdentifier());
      return drawn.at(-1)!;
    };
    const renewalId = `renouvellement-g/${account.numic}`;
    const assigned = await Promise.all(Array.from({ length: 6 }, () => registry.assignIdentifier(account.id, renewalId, draw)));
    expect(new Set(assigned).size).toBe(1);
    expect((await registry.findById(account.id))?.identifier).toBe(assigned[0]);
    for (const identifier of drawn) {
      expect((await registry.findByIdentifier(identifier))?.id).toBe(identifier === assigned[0] ? account.id : undefined);
    }
  });

  it('draws again when the identifier drawn is already taken', async () => {
    const [taken, account] = [await newAccount(), await newAccount()];
    const draws = [taken.identifier, randomIdentifier()];
    const assigned = await registry.assignIdentifier(account.id, 'renouvellement-b/run-1', () => draws.shift()!);
    expect(assigned).not.toBe(taken.identifier);
    expect(draws).toHaveLength(0);
    expect((await registry.findById(taken.id))?.identifier).toBe(taken.identifier);
  });

  it('never issues an identifier again, not even one its account has since replaced', async () => {
    const [former, account] = [await newAccount(), await newAccount()];
    await registry.assignIdentifier(former.id, `renouvellement-c/${former.numic}`, randomIdentifier);
    const draws = [former.identifier, randomIdentifier()];
    const assigned = await registry.assignIdentifier(account.id, `renouvellement-c/${account.numic}`, () => draws.shift()!);
    expect(assigned).not.toBe(former.identifier);
    expect(draws).toHaveLength(0);
    await expect(newAccount({ identifier: former.identifier })).rejects.toMatchObject(duplicateKey);
    await expect(registry.upsertByNumic({ ...account, identifier: former.identifier })).rejects.toMatchObject(duplicateKey);
    expect(await registry.findByIdentifier(former.identifier)).toBeNull();
  });

  it('upserts by NUMIC: creates, then resets the same account with a new identifier', async () => {
    const numic = freshNumic();
    const fields = { numic, email: `Demo.${numic}@Example.org`, phone: '+33600000000', passwordHash: 'x' };
    const created = await registry.upsertByNumic({ ...fields, identifier: randomIdentifier() });
    const reset = await registry.upsertByNumic({ ...fields, identifier: randomIdentifier(), passwordHash: 'y' });
    expect(reset).toMatchObject({ id: created.id, passwordHash: 'y' });
    expect(await registry.findByIdentifier(created.identifier)).toBeNull();
    expect((await registry.findByIdentifier(reset.identifier))?.id).toBe(created.id);
    expect((await registry.findByNumicAndEmail(numic, fields.email))?.passwordHash).toBe('y');
  });

  it('gives two renewals of one account racing each its own identifier; the account keeps one, the other is never valid', async () => {
    const account = await newAccount();
    const [first, second] = await Promise.all(
      ['renouvellement-i/run-1', 'renouvellement-i/run-2'].map((renewalId) =>
        registry.assignIdentifier(account.id, renewalId, randomIdentifier),
      ),
    );
    expect(first).not.toBe(second);
    const kept = (await registry.findById(account.id))!.identifier;
    expect([first, second]).toContain(kept);
    expect((await registry.findByIdentifier(kept))?.id).toBe(account.id);
    expect(await registry.findByIdentifier(kept === first ? second! : first!)).toBeNull();
  });

  it('issues one password per renewal to concurrent retries, keeps it sealed until told to forget it, then only its hash', async () => {
    const account = await newAccount();
    const renewalId = `renouvellement-p/${account.numic}`;
    let draws = 0;
    const draw = async () => {
      draws++;
      return { passwordHash: `hash-${draws}`, sealedPassword: `sealed-${draws}` };
    };
    await Promise.all(Array.from({ length: 4 }, () => registry.issuePassword(account.id, renewalId, draw)));
    const sealed = await registry.issuedPassword(renewalId);
    expect(sealed).toMatch(/^sealed-\d$/);
    const hash = `hash-${sealed!.slice('sealed-'.length)}`;
    expect((await registry.findById(account.id))?.passwordHash).toBe(hash);

    // A retry after the issue draws nothing and keeps the first password.
    const before = draws;
    await registry.issuePassword(account.id, renewalId, draw);
    expect(draws).toBe(before);
    expect(await registry.issuedPassword(renewalId)).toBe(sealed);

    await registry.forgetIssuedPassword(renewalId);
    await registry.forgetIssuedPassword(renewalId); // idempotent
    expect(await registry.issuedPassword(renewalId)).toBeUndefined();
    const stored = await db.collection('password_issues').findOne({ _id: renewalId as never });
    expect(stored).toMatchObject({ accountId: account.id, passwordHash: hash });
    expect(stored).not.toHaveProperty('sealedPassword'); // $unset: the field is gone, not null
    // A retry after the SMS went keeps the password issued, without its clear copy.
    await registry.issuePassword(account.id, renewalId, draw);
    expect(draws).toBe(before);
    expect((await registry.findById(account.id))?.passwordHash).toBe(hash);
    expect(await registry.issuedPassword(renewalId)).toBeUndefined();
    expect(await registry.issuedPassword('renouvellement-p/never')).toBeUndefined();
  });

  it('records a notification once, also for concurrent callers', async () => {
    const account = await newAccount();
    expect(await registry.hasSentNotification(account.id, 'r/1:sms')).toBe(false);
    expect(await registry.markNotificationSent(account.id, 'r/1:sms')).toBe(true);
    expect(await registry.markNotificationSent(account.id, 'r/1:sms')).toBe(false);
    expect(await registry.hasSentNotification(account.id, 'r/1:sms')).toBe(true);
    const raced = await Promise.all(Array.from({ length: 4 }, () => registry.markNotificationSent(account.id, 'r/1:email')));
    expect(raced.filter(Boolean)).toHaveLength(1);
  });

  it('stores accounts in bulk with their claims, and refuses a duplicate among them (11000)', async () => {
    const fields = () => {
      const numic = freshNumic();
      return { numic, email: `Lot.${numic}@Example.org`, phone: '+33600000000', identifier: randomIdentifier(), passwordHash: 'x' };
    };
    const batch = Array.from({ length: 50 }, fields);
    const stored = await registry.createMany(batch);
    expect(stored.map((a) => a.numic)).toEqual(batch.map((a) => a.numic));
    for (const account of [stored[0]!, stored[49]!]) {
      expect((await registry.findByNumicAndEmail(account.numic, account.email.toLowerCase()))?.id).toBe(account.id);
      expect((await registry.findByIdentifier(account.identifier))?.id).toBe(account.id);
    }
    await expect(registry.createMany([fields(), { ...fields(), numic: batch[0]!.numic }])).rejects.toMatchObject(duplicateKey);
    expect(await registry.createMany([])).toEqual([]);
  });
});
