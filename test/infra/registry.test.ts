/** mongoose against the embedded FerretDB (SQLite backend): create, read back, unique index. */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConfig } from '../support/config.js';

let connection: mongoose.Connection;

beforeAll(async () => {
  const { mongo } = testConfig();
  connection = await mongoose
    .createConnection(mongo.uri, { dbName: `infra_${randomUUID().slice(0, 8)}`, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

it('creates, reads back, and refuses a duplicate on a unique index (E11000)', async () => {
  const Account = connection.model(
    'InfraAccount',
    new mongoose.Schema({
      identifier: { type: String, required: true, unique: true },
      email: { type: String, required: true },
    }),
  );
  await Account.init(); // builds the unique index
  expect(await Account.collection.indexes()).toEqual(
    expect.arrayContaining([expect.objectContaining({ key: { identifier: 1 }, unique: true })]),
  );

  await Account.create({ identifier: 'K7QX-42MP', email: 'marianne@example.org' });
  const found = await Account.findOne({ identifier: 'K7QX-42MP' }).lean();
  expect(found?.email).toBe('marianne@example.org');

  await expect(Account.create({ identifier: 'K7QX-42MP', email: 'autre@example.org' })).rejects.toMatchObject({
    code: 11000,
  });
  expect(await Account.countDocuments({ identifier: 'K7QX-42MP' })).toBe(1);
});
