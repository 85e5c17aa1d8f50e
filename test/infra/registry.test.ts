/**
 * The embedded registry server (mongo-java-server on H2): it answers as the MongoDB version the
 * driver needs, builds a unique index that refuses a duplicate (E11000), and keeps its data on disk
 * across a restart, as renewals must survive an `npm start` restart, and takes a burst of bulk loads
 * within its bounded memory.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryServer } from '../../dev/stack/servers.js';
import { Stack } from '../../dev/stack/stack.js';
import { testConfig } from '../support/config.js';
import { freePort } from '../support/ports.js';

const config = testConfig();
const execFileAsync = promisify(execFile);
const BURST = fileURLToPath(new URL('./fixtures/bulk-load-burst.ts', import.meta.url));
let connection: mongoose.Connection;

const connect = (uri: string, dbName: string) => mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();

beforeAll(async () => {
  connection = await connect(config.mongo.uri, `infra_${randomUUID().slice(0, 8)}`);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

it('answers as a MongoDB the driver accepts (wire version 9 or more, MongoDB 4.4)', async () => {
  const hello = await connection.db!.admin().command({ isMaster: 1 });
  expect(hello).toMatchObject({ ok: 1 });
  expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
  expect(await connection.db!.admin().command({ ping: 1 })).toMatchObject({ ok: 1 });
  if (config.mongo.embedded) expect(await connection.db!.admin().command({ buildInfo: 1 })).toMatchObject({ version: '4.4.0' });
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

describe.skipIf(!config.mongo.embedded)('a server of its own, restarted', () => {
  it('keeps its documents and unique indexes across a restart (SIGTERM, as the stack stops it)', async () => {
    // Its own port and folder under the test data folder: the shared server is not disturbed.
    const dataDir = join(config.dataDir, `registry-restart-${randomUUID().slice(0, 8)}`);
    const own = testConfig({ DATA_DIR: dataDir, REGISTRY_PORT: String(await freePort()) });
    const spec = registryServer(own);
    const withServer = async <T>(use: (db: mongoose.mongo.Db) => Promise<T>): Promise<T> => {
      const stack = new Stack(dataDir);
      await stack.start([spec]);
      const conn = await connect(own.mongo.uri, 'restart');
      try {
        return await use(conn.db!);
      } finally {
        await conn.close();
        await stack.stop();
      }
    };

    await withServer(async (db) => {
      await db.collection('claims').createIndex({ key: 1 }, { unique: true });
      await db.collection('claims').insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: `c${i}` as never, key: i })));
      await db.collection('claims').updateOne({ _id: 'c7' as never }, { $unset: { key: 1 } });
    });
    expect(existsSync(join(dataDir, 'registry', 'registry.mv.db'))).toBe(true);

    await withServer(async (db) => {
      expect(await db.collection('claims').countDocuments()).toBe(500);
      expect(await db.collection('claims').findOne({ _id: 'c499' as never })).toEqual({ _id: 'c499', key: 499 });
      expect(await db.collection('claims').findOne({ _id: 'c7' as never })).toEqual({ _id: 'c7' });
      await expect(db.collection('claims').insertOne({ _id: 'other' as never, key: 3 })).rejects.toMatchObject({ code: 11000 });
      await expect(db.collection('claims').insertOne({ _id: 'c3' as never })).rejects.toMatchObject({ code: 11000 });
    });
  }, 60_000);
});

describe.skipIf(!config.mongo.embedded)('a server of its own, under a burst of bulk loads', () => {
  it('takes 32 clients bulk-loading at once within its bounded memory, and keeps every document', async () => {
    const dataDir = join(config.dataDir, `registry-burst-${randomUUID().slice(0, 8)}`);
    const own = testConfig({ DATA_DIR: dataDir, REGISTRY_PORT: String(await freePort()) });
    const stack = new Stack(dataDir);
    await stack.start([registryServer(own)]);
    try {
      // 32 connections each inserting 1 000 accounts' worth in one command, all at once, ten times
      // over, from a process of their own (fixtures/bulk-load-burst.ts): with Netty's and the JDK's
      // default handling of direct buffers (dev/tools/setup.sh), the server ran out of them and
      // reset half the connections.
      const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', BURST, own.mongo.uri, '32', '10'], { timeout: 100_000 });
      expect(JSON.parse(stdout)).toEqual({ inserted: 320_000, refused: [] });
      const conn = await connect(own.mongo.uri, 'burst');
      try {
        // The count command (a collection's size), not countDocuments: that one decodes every document.
        const counts = await Promise.all([0, 1, 2, 3].map((i) => conn.db!.collection(`accounts${i}`).estimatedDocumentCount()));
        expect(counts.reduce((a, b) => a + b)).toBe(320_000);
      } finally {
        await conn.close();
      }
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
