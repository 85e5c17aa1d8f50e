/**
 * The consular registry's accounts (mongoose). FerretDB v1 has no transactions: every change
 * that must be atomic is a single-document conditional update.
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
  /** The renewal that last assigned an identifier: makes the assignment idempotent. */
  lastRenewal?: { id: string; identifier: string; at: Date };
  notificationsSent: string[];
}

const accountSchema = new Schema<AccountDocument>(
  {
    numic: { type: String, required: true, unique: true },
    email: { type: String, required: true },
    emailNormalised: { type: String, required: true },
    phone: { type: String, required: true },
    identifier: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    lastRenewal: { id: String, identifier: String, at: Date },
    notificationsSent: { type: [String], default: [] },
  },
  { collection: 'accounts', timestamps: true },
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
const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === DUPLICATE_KEY;

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
  const validId = (id: string) => mongoose.isValidObjectId(id);

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
        const candidate = generate();
        try {
          const updated = await accounts
            .findOneAndUpdate(
              { _id: accountId, 'lastRenewal.id': { $ne: renewalId } },
              { $set: { identifier: candidate, lastRenewal: { id: renewalId, identifier: candidate, at: new Date() } } },
              { new: true },
            )
            .lean();
          if (updated) return candidate;
          const done = await accounts.findById(accountId).lean();
          if (done?.lastRenewal?.id === renewalId) return done.lastRenewal.identifier;
          throw new Error(`account ${accountId} not found`);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw new Error('could not find a free identifier after 5 attempts');
    },
    async hasSentNotification(accountId, key) {
      return (await accounts.exists({ _id: accountId, notificationsSent: key })) !== null;
    },
    async markNotificationSent(accountId, key) {
      const res = await accounts.updateOne({ _id: accountId, notificationsSent: { $ne: key } }, { $push: { notificationsSent: key } });
      return res.modifiedCount === 1;
    },
    async create(account) {
      const doc = await accounts.create(toDocument(account));
      return toAccount(doc.toObject())!;
    },
    async upsertByNumic(account) {
      const doc = toDocument(account);
      const saved = await accounts.findOneAndUpdate({ numic: doc.numic }, { $set: doc }, { upsert: true, new: true }).lean();
      return toAccount(saved)!;
    },
    async ensureIndexes() {
      await accounts.createIndexes();
    },
    async close() {
      await connection.close();
    },
  };
}

function toDocument(account: NewAccount): Omit<AccountDocument, 'notificationsSent' | 'lastRenewal'> {
  return {
    ...account,
    numic: normaliseNumic(account.numic),
    emailNormalised: normaliseEmail(account.email),
  };
}
