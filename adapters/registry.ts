/**
 * The consular registry's accounts (mongoose). What must happen once is claimed by inserting a
 * document whose _id names it, since a unique _id is atomic on every server this runs on: a real
 * MongoDB, and the embedded registry server (mongo-java-server, dev/tools/registry-server/), which
 * has no transactions. The design dates from FerretDB v1, the embedded server until then, which
 * had neither transactions nor atomic conditional updates under concurrency.
 *
 * Every lookup is by _id: a NUMIC and an identifier each name a claim document that points to the
 * account, and whose insert is also their uniqueness claim. MongoDB and the embedded server answer
 * an _id read from their index (FerretDB v1 decoded every document for any other filter, and still
 * scanned for that one: docs/performance.md, « The registry's look-ups »).
 */
import pRetry from 'p-retry';
import mongoose, { Schema, type Connection } from 'mongoose';
import { normaliseEmail, normaliseNumic } from '../domain/account-keys.js';

export interface Account {
  id: string;
  numic: string;
  email: string;
  phone: string;
  identifier: string;
  passwordHash: string;
}

export interface NewAccount {
  numic: string;
  email: string;
  phone: string;
  identifier: string;
  passwordHash: string;
}

interface AccountDocument extends Omit<Account, 'id'> {
  emailNormalised: string;
}

/** One per renewal that assigned an identifier: the claim that makes the assignment happen once. */
interface AssignmentDocument {
  _id: string; // renewal ID
  accountId: string;
  identifier: string;
  at: Date;
}

/**
 * `{ _id: normalised NUMIC }` in account_numics, `{ _id: identifier }` in account_identifiers: the
 * key's lookup and its uniqueness claim. An identifier's claim outlives the account's next
 * identifier: an identifier once issued is never issued again.
 */
interface ClaimDocument {
  _id: string;
  accountId: string;
  at: Date;
}

/**
 * One per renewal that issued a password: the claim that makes the issue happen once. Until its SMS
 * has gone, it holds the clear password sealed for the worker alone, so that a retry sends the same
 * password; then only its hash is left.
 */
interface PasswordIssueDocument {
  _id: string; // renewal ID
  accountId: string;
  passwordHash: string;
  sealedPassword?: string;
  at: Date;
}

/** One per notification sent (key: renewal ID and channel). */
interface NotificationDocument {
  _id: string;
  accountId: string;
  at: Date;
}

const accountSchema = new Schema<AccountDocument>(
  {
    numic: { type: String, required: true, unique: true },
    email: { type: String, required: true },
    emailNormalised: { type: String, required: true },
    phone: { type: String, required: true },
    identifier: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
  },
  { collection: 'accounts', timestamps: true },
);

const assignmentSchema = new Schema<AssignmentDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    identifier: { type: String, required: true, unique: true },
    at: { type: Date, required: true },
  },
  { collection: 'identifier_assignments', versionKey: false },
);

const claimSchema = (collection: string) =>
  new Schema<ClaimDocument>(
    { _id: { type: String, required: true }, accountId: { type: String, required: true }, at: { type: Date, required: true } },
    { collection, versionKey: false },
  );

const passwordIssueSchema = new Schema<PasswordIssueDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    passwordHash: { type: String, required: true },
    sealedPassword: { type: String },
    at: { type: Date, required: true },
  },
  { collection: 'password_issues', versionKey: false },
);

const notificationSchema = new Schema<NotificationDocument>(
  { _id: { type: String, required: true }, accountId: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'sent_notifications', versionKey: false },
);

export interface Registry {
  findByNumicAndEmail(numic: string, email: string): Promise<Account | null>;
  findByNumic(numic: string): Promise<Account | null>;
  findById(id: string): Promise<Account | null>;
  findByIdentifier(identifier: string): Promise<Account | null>;
  /**
   * Gives the account a new identifier for this renewal, once: a retry with the same renewal ID
   * returns the identifier already assigned. `generate` is called again on a (rare) collision.
   */
  assignIdentifier(accountId: string, renewalId: string, generate: () => string): Promise<string>;
  /**
   * Gives the account a new password for this renewal, once: `draw` makes it (its hash, and the clear
   * password sealed for the worker); a retry with the same renewal ID keeps the first one drawn.
   */
  issuePassword(accountId: string, renewalId: string, draw: () => Promise<{ passwordHash: string; sealedPassword: string }>): Promise<void>;
  /** The sealed password of this renewal while its SMS has not gone; undefined after forgetIssuedPassword. */
  issuedPassword(renewalId: string): Promise<string | undefined>;
  /** Drops the sealed password once its SMS has gone: only the hash stays. */
  forgetIssuedPassword(renewalId: string): Promise<void>;
  /** Records a notification as sent; false when it already was (so a retry does not resend). */
  markNotificationSent(accountId: string, key: string): Promise<boolean>;
  hasSentNotification(accountId: string, key: string): Promise<boolean>;
  create(account: NewAccount): Promise<Account>;
  /**
   * Stores many new accounts at once, to fill a registry fast (the bench's 100 000): their claims,
   * then the accounts, in unordered bulk inserts. Unlike `create` it takes over no claim and undoes
   * none: a duplicate NUMIC or identifier rejects the call (code 11000) after the rest was stored.
   */
  createMany(accounts: NewAccount[]): Promise<Account[]>;
  upsertByNumic(account: NewAccount): Promise<Account>;
  ensureIndexes(): Promise<void>;
  close(): Promise<void>;
}

const DUPLICATE_KEY = 11000;
/** A unique index refused the write (MongoDB and the embedded server both say 11000). */
const isDuplicateKey = (err: unknown) => (err as { code?: number } | undefined)?.code === DUPLICATE_KEY;

/**
 * How long a claim may point to an account not inserted yet: a create in flight inserts it within
 * milliseconds; older, the claim is a crashed create's and can be taken over.
 */
const CLAIM_GRACE_MS = 60_000;

function toAccount(doc: (AccountDocument & { _id: unknown }) | null): Account | null {
  if (!doc) return null;
  const { numic, email, phone, identifier, passwordHash } = doc;
  return { id: String(doc._id), numic, email, phone, identifier, passwordHash };
}

export async function connectRegistry(uri: string, database: string): Promise<Registry> {
  const connection: Connection = await mongoose
    .createConnection(uri, { dbName: database, serverSelectionTimeoutMS: 10_000, autoIndex: false, autoCreate: false })
    .asPromise();
  const accounts = connection.model('Account', accountSchema);
  const assignments = connection.model('IdentifierAssignment', assignmentSchema);
  const notifications = connection.model('SentNotification', notificationSchema);
  const passwordIssues = connection.model('PasswordIssue', passwordIssueSchema);
  const numics = connection.model('AccountNumic', claimSchema('account_numics'));
  const identifiers = connection.model('AccountIdentifier', claimSchema('account_identifiers'));
  type ClaimModel = typeof numics;
  const validId = (id: string) => mongoose.isValidObjectId(id);
  const accountById = async (id: string) => (validId(id) ? accounts.findById(id).lean() : null);

  /** The account a claim points to, if it is still the key's (a claim may be a crashed create's). */
  async function claimedAccount(model: ClaimModel, key: string, matches: (doc: AccountDocument) => boolean) {
    const claim = await model.findById(key).lean();
    const doc = claim && (await accountById(claim.accountId));
    return doc && matches(doc) ? doc : null;
  }

  /**
   * Claims `key` for the account, or rejects with the duplicate-key error when another account
   * holds it. A claim of no account older than the grace period is a crashed create's (accounts
   * are never deleted here): it is taken over.
   */
  async function claim(model: ClaimModel, key: string, accountId: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        await model.create({ _id: key, accountId, at: new Date() });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const held = await model.findById(key).lean();
        if (held?.accountId === accountId) return; // ours already: a retry
        if (attempt === 3 || (held && !(await isStale(held)))) throw err;
        // Checked, then deleted by _id alone (a design from FerretDB v1, which filtered on nothing else).
        if (held) await model.deleteOne({ _id: key });
      }
    }
  }

  const isStale = async (claim: ClaimDocument) =>
    Date.now() - (claim.at?.getTime() ?? 0) >= CLAIM_GRACE_MS && !(await accountById(claim.accountId));

  /** Undoes this account's claim of `key`, when it surely was not used. */
  async function release(model: ClaimModel, key: string, accountId: string) {
    if ((await model.findById(key).lean())?.accountId === accountId) await model.deleteOne({ _id: key });
  }

  async function create(account: NewAccount): Promise<Account> {
    const doc = toDocument(account);
    // The ID first, so that the claims point to the account before it exists.
    const id = new mongoose.Types.ObjectId();
    const accountId = id.toHexString();
    await claim(numics, doc.numic, accountId);
    try {
      await claim(identifiers, doc.identifier, accountId);
      return toAccount((await accounts.create({ _id: id, ...doc })).toObject())!;
    } catch (err) {
      // After any other error the account may exist: the claims stay (taken over later if not).
      if (isDuplicateKey(err)) {
        await Promise.all([release(numics, doc.numic, accountId), release(identifiers, doc.identifier, accountId)]);
      }
      throw err;
    }
  }

  /**
   * Claims a drawn identifier for this renewal; undefined when it was ever issued. The identifier
   * first: once claimed it is this account's for good, so the renewal's claim cannot fail on it.
   */
  async function claimIdentifier(accountId: string, renewalId: string, identifier: string) {
    try {
      await identifiers.create({ _id: identifier, accountId, at: new Date() });
    } catch (err) {
      if (isDuplicateKey(err)) return undefined;
      throw err;
    }
    try {
      return (await assignments.create({ _id: renewalId, accountId, identifier, at: new Date() })).toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // A concurrent caller claimed this renewal first: its identifier wins, ours is never issued.
      return (await assignments.findById(renewalId).lean()) ?? undefined;
    }
  }

  /**
   * Writes the claims that accounts and assignments stored before claims existed lack (an older
   * .data): one pass, idempotent; a duplicate means another process wrote that claim first.
   */
  async function backfillClaims() {
    const keys = async (model: ClaimModel) => new Set((await model.find({}, { _id: 1 }).lean()).map((c) => c._id));
    const [numicKeys, identifierKeys] = await Promise.all([keys(numics), keys(identifiers)]);
    const at = new Date();
    const missingNumics: ClaimDocument[] = [];
    const missingIdentifiers: ClaimDocument[] = [];
    const need = (keys: Set<string>, missing: ClaimDocument[], key: string, accountId: string) => {
      if (keys.has(key)) return;
      keys.add(key);
      missing.push({ _id: key, accountId, at });
    };
    for await (const account of accounts.find({}, { numic: 1, identifier: 1 }).lean().cursor()) {
      need(numicKeys, missingNumics, account.numic, String(account._id));
      need(identifierKeys, missingIdentifiers, account.identifier, String(account._id));
    }
    // Identifiers that accounts had before their last renewal: issued, so never again.
    for await (const assignment of assignments.find({}, { accountId: 1, identifier: 1 }).lean().cursor()) {
      need(identifierKeys, missingIdentifiers, assignment.identifier, assignment.accountId);
    }
    await Promise.all([insertMissing(numics, missingNumics), insertMissing(identifiers, missingIdentifiers)]);
  }

  async function insertMissing(model: ClaimModel, docs: ClaimDocument[]) {
    if (docs.length === 0) return;
    try {
      await model.insertMany(docs, { ordered: false, lean: true });
    } catch (err) {
      const errors = ([] as unknown[]).concat((err as { writeErrors?: unknown }).writeErrors ?? err);
      if (!errors.every(isDuplicateKey)) throw err;
    }
  }

  return {
    async findByNumicAndEmail(numic, email) {
      const normalised = normaliseNumic(numic);
      const doc = await claimedAccount(numics, normalised, (doc) => doc.numic === normalised);
      return doc && doc.emailNormalised === normaliseEmail(email) ? toAccount(doc) : null;
    },
    async findByNumic(numic) {
      const normalised = normaliseNumic(numic);
      return toAccount(await claimedAccount(numics, normalised, (doc) => doc.numic === normalised));
    },
    async findById(id) {
      return toAccount(await accountById(id));
    },
    async findByIdentifier(identifier) {
      // An identifier the account had before its last renewal still points to it: refused.
      return toAccount(await claimedAccount(identifiers, identifier, (doc) => doc.identifier === identifier));
    },
    async assignIdentifier(accountId, renewalId, generate) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const existing = await assignments.findById(renewalId).lean();
        const assigned = existing ?? (await claimIdentifier(accountId, renewalId, generate()));
        if (!assigned) continue; // the identifier drawn was claimed before: draw again
        try {
          // Idempotent: every caller for this renewal writes the same identifier.
          const res = await accounts.updateOne({ _id: assigned.accountId }, { $set: { identifier: assigned.identifier } });
          if (res.matchedCount === 0) throw new Error(`account ${accountId} not found`);
          return assigned.identifier;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Held by an account stored before claims and not backfilled yet: release both claims (the
          // backfill then claims it for that account) and draw again.
          const current = await assignments.findById(renewalId).lean();
          if (current?.identifier === assigned.identifier) await assignments.deleteOne({ _id: renewalId });
          await release(identifiers, assigned.identifier, assigned.accountId);
        }
      }
      throw new Error('could not find a free identifier after 5 attempts');
    },
    async issuePassword(accountId, renewalId, draw) {
      let issue = await passwordIssues.findById(renewalId).lean();
      if (!issue) {
        const drawn = await draw();
        try {
          issue = (await passwordIssues.create({ _id: renewalId, accountId, ...drawn, at: new Date() })).toObject();
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          issue = await passwordIssues.findById(renewalId).lean(); // a concurrent retry drew first: its password wins
        }
      }
      if (!issue) throw new Error(`password issue ${renewalId} vanished`);
      // Idempotent: every caller for this renewal writes the same hash.
      const res = await accounts.updateOne({ _id: issue.accountId }, { $set: { passwordHash: issue.passwordHash } });
      if (res.matchedCount === 0) throw new Error(`account ${accountId} not found`);
    },
    async issuedPassword(renewalId) {
      return (await passwordIssues.findById(renewalId).lean())?.sealedPassword ?? undefined;
    },
    async forgetIssuedPassword(renewalId) {
      await passwordIssues.updateOne({ _id: renewalId }, { $unset: { sealedPassword: 1 } });
    },
    async hasSentNotification(_accountId, key) {
      return (await notifications.exists({ _id: key })) !== null;
    },
    async markNotificationSent(accountId, key) {
      try {
        await notifications.create({ _id: key, accountId, at: new Date() });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    create,
    async createMany(batch) {
      if (batch.length === 0) return [];
      const docs = batch.map((account) => ({ _id: new mongoose.Types.ObjectId(), ...toDocument(account) }));
      const at = new Date();
      const claimsOf = (key: (doc: AccountDocument) => string) =>
        docs.map((doc) => ({ _id: key(doc), accountId: doc._id.toHexString(), at }));
      // Claims first, as in create: an account never exists without them.
      await Promise.all([
        numics.insertMany(
          claimsOf((doc) => doc.numic),
          { ordered: false, lean: true },
        ),
        identifiers.insertMany(
          claimsOf((doc) => doc.identifier),
          { ordered: false, lean: true },
        ),
      ]);
      const stored = await accounts.insertMany(docs, { ordered: false });
      return stored.map((doc) => toAccount(doc.toObject())!);
    },
    async upsertByNumic(account) {
      const doc = toDocument(account);
      const held = await numics.findById(doc.numic).lean();
      if (!held || !(await accountById(held.accountId))) return create(account); // it takes over a stale claim
      // The new identifier is claimed for the account; the old one's claim stays (never issued again).
      await claim(identifiers, doc.identifier, held.accountId);
      return toAccount(await accounts.findByIdAndUpdate(held.accountId, { $set: doc }, { returnDocument: 'after' }).lean())!;
    },
    async ensureIndexes() {
      const models = [accounts, assignments, notifications, passwordIssues, numics, identifiers];
      // The collections are created here, before their indexes (mongoose's autoCreate is off: it
      // raced the index builds). Processes that start together on a fresh database (a worker and a
      // web) create the same collections at once; the embedded server answers the loser with an
      // unknown error (« already existed in ….system.namespaces ») where MongoDB says « namespace
      // exists », which mongoose ignores. Every step is idempotent: the whole is tried again.
      await pRetry(
        async () => {
          await Promise.all(models.map((model) => model.createCollection()));
          // The unique indexes on accounts stay, as a second guard behind the claims.
          await Promise.all(models.map((model) => model.createIndexes()));
        },
        { retries: 4, minTimeout: 50, maxTimeout: 500 },
      );
      await backfillClaims();
    },
    async close() {
      await connection.close();
    },
  };
}

function toDocument(account: NewAccount): AccountDocument {
  return {
    ...account,
    numic: normaliseNumic(account.numic),
    emailNormalised: normaliseEmail(account.email),
  };
}
