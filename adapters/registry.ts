/**
 * The consular registry's accounts (mongoose). FerretDB v1 has neither transactions nor atomic
 * conditional updates under concurrency (findAndModify reads, then writes): what must happen once
 * is claimed by inserting a document whose _id names it, since a unique _id is atomic everywhere.
 */
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

const notificationSchema = new Schema<NotificationDocument>(
  { _id: { type: String, required: true }, accountId: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'sent_notifications', versionKey: false },
);

export interface Registry {
  findByNumicAndEmail(numic: string, email: string): Promise<Account | null>;
  findById(id: string): Promise<Account | null>;
  findByIdentifier(identifier: string): Promise<Account | null>;
  /**
   * Gives the account a new identifier for this renewal, once: a retry with the same renewal ID
   * returns the identifier already assigned. `generate` is called again on a (rare) collision.
   */
  assignIdentifier(accountId: string, renewalId: string, generate: () => string): Promise<string>;
  /** Records a notification as sent; false when it already was (so a retry does not resend). */
  markNotificationSent(accountId: string, key: string): Promise<boolean>;
  hasSentNotification(accountId: string, key: string): Promise<boolean>;
  create(account: NewAccount): Promise<Account>;
  upsertByNumic(account: NewAccount): Promise<Account>;
  ensureIndexes(): Promise<void>;
  close(): Promise<void>;
}

const DUPLICATE_KEY = 11000;
/** MongoDB says 11000; FerretDB's SQLite backend sometimes passes SQLite's own words through. */
const isDuplicateKey = (err: unknown) =>
  (err as { code?: number }).code === DUPLICATE_KEY || /UNIQUE constraint failed/.test((err as Error)?.message ?? '');

function toAccount(doc: (AccountDocument & { _id: unknown }) | null): Account | null {
  if (!doc) return null;
  const { numic, email, phone, identifier, passwordHash } = doc;
  return { id: String(doc._id), numic, email, phone, identifier, passwordHash };
}

export async function connectRegistry(uri: string, database: string): Promise<Registry> {
  const connection: Connection = await mongoose
    .createConnection(uri, { dbName: database, serverSelectionTimeoutMS: 10_000, autoIndex: false })
    .asPromise();
  const accounts = connection.model('Account', accountSchema);
  const assignments = connection.model('IdentifierAssignment', assignmentSchema);
  const notifications = connection.model('SentNotification', notificationSchema);
  const validId = (id: string) => mongoose.isValidObjectId(id);

  /** Claims `identifier` for this renewal; undefined when another account or renewal holds it. */
  async function claimIdentifier(accountId: string, renewalId: string, identifier: string) {
    if (await accounts.exists({ identifier })) return undefined;
    try {
      return (await assignments.create({ _id: renewalId, accountId, identifier, at: new Date() })).toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Either this renewal was claimed meanwhile (use it) or the identifier was (draw again).
      return (await assignments.findById(renewalId).lean()) ?? undefined;
    }
  }

  return {
    async findByNumicAndEmail(numic, email) {
      const doc = await accounts.findOne({ numic: normaliseNumic(numic) }).lean();
      if (!doc || doc.emailNormalised !== normaliseEmail(email)) return null;
      return toAccount(doc);
    },
    async findById(id) {
      return validId(id) ? toAccount(await accounts.findById(id).lean()) : null;
    },
    async findByIdentifier(identifier) {
      return toAccount(await accounts.findOne({ identifier }).lean());
    },
    async assignIdentifier(accountId, renewalId, generate) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const existing = await assignments.findById(renewalId).lean();
        const claim = existing ?? (await claimIdentifier(accountId, renewalId, generate()));
        if (!claim) continue; // the identifier drawn is taken: draw again
        try {
          // Idempotent: every caller for this renewal writes the same identifier.
          const res = await accounts.updateOne({ _id: claim.accountId }, { $set: { identifier: claim.identifier } });
          if (res.matchedCount === 0) throw new Error(`account ${accountId} not found`);
          return claim.identifier;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Taken by an account created since the claim: release the claim and draw again.
          await assignments.deleteOne({ _id: renewalId, identifier: claim.identifier });
        }
      }
      throw new Error('could not find a free identifier after 5 attempts');
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
    async create(account) {
      const doc = await accounts.create(toDocument(account));
      return toAccount(doc.toObject())!;
    },
    async upsertByNumic(account) {
      const doc = toDocument(account);
      const saved = await accounts.findOneAndUpdate({ numic: doc.numic }, { $set: doc }, { upsert: true, returnDocument: 'after' }).lean();
      return toAccount(saved)!;
    },
    async ensureIndexes() {
      await Promise.all([accounts.createIndexes(), assignments.createIndexes(), notifications.createIndexes()]);
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
