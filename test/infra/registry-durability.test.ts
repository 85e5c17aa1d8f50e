/**
 * The registry server's durability, played as crashes rather than read from its settings: every
 * write it acknowledged survives a `kill -9` of its JVM, a SIGTERM in the middle of a burst and a
 * disk that refuses to grow, with its unique indexes whole (no key without its document, no command
 * half kept); and a data file in another storage format is refused at start, named, and left byte
 * for byte as it was.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { logFileFor, repoRoot } from '../../dev/stack/paths.js';
import type { ManagedProcess } from '../../dev/stack/process.js';
import { registryServer } from '../../dev/stack/servers.js';
import { Stack } from '../../dev/stack/stack.js';
import { testConfig } from '../support/config.js';
import { freePort } from '../support/ports.js';

const config = testConfig();
const { MongoClient } = mongoose.mongo;

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.stop()));
});

/** A registry server of its own: its own folder under the test data folder, its own port. */
async function ownServer() {
  const dataDir = join(config.dataDir, `registry-durability-${randomUUID().slice(0, 8)}`);
  const own = testConfig({ DATA_DIR: dataDir, REGISTRY_PORT: String(await freePort()) });
  const spec = registryServer(own);
  return {
    dataDir,
    uri: own.mongo.uri,
    file: join(dataDir, 'registry', 'registry.mv.db'),
    log: () => readFileSync(logFileFor(dataDir, 'registry'), 'utf8'),
    /**
     * Started once it answers on its port; the process, to kill it. With `maxFileKiB`, no file of
     * its may grow past that (bash's `ulimit -f`): a full disk, as far as the JVM can tell.
     */
    async start(maxFileKiB?: number): Promise<ManagedProcess> {
      const stack = new Stack(dataDir);
      stacks.push(stack);
      const limited = { ...spec, command: 'bash', args: ['-c', `ulimit -f ${maxFileKiB}; exec "$0" "$@"`, spec.command, ...spec.args] };
      await stack.start([maxFileKiB === undefined ? spec : limited]);
      return stack.processes[0]!;
    },
  };
}

interface Claim {
  _id: string;
  key: string;
  pad?: string;
}

const WRITERS = 4;
const BATCH = 25;

interface Burst {
  /** Keys whose insert was acknowledged. */
  acked: string[];
  /** Inserts the server died under: each may or may not have been kept, but whole. */
  unknown: string[][];
}

/**
 * Writers on connections of their own insert documents (_id `d-N`, unique `key` `k-N`, `pad`), three
 * one at a time and one in batches of BATCH, until `crash()` has been called on the `after`th
 * acknowledgement, or the server died on its own; the writers still waiting then see their
 * connection die.
 */
async function writeUntilCrash(uri: string, after: number, crash: () => void, pad = ''): Promise<Burst> {
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, () =>
      new MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 5_000, retryWrites: false }).connect(),
    ),
  );
  const claims = (client: mongoose.mongo.MongoClient) => client.db('durability').collection<Claim>('claims');
  await claims(clients[0]!).createIndex({ key: 1 }, { unique: true });
  const burst: Burst = { acked: [], unknown: [] };
  let next = 0;
  let crashed = false;
  const acknowledged = (keys: string[]) => {
    burst.acked.push(...keys);
    if (!crashed && burst.acked.length >= after) {
      crashed = true;
      crash();
    }
  };
  await Promise.all(
    clients.map(async (client, writer) => {
      while (!crashed) {
        const keys = Array.from({ length: writer === 0 ? BATCH : 1 }, () => `k-${next++}`);
        const documents = keys.map((key) => ({ _id: `d-${key.slice(2)}`, key, pad }));
        try {
          if (documents.length === 1) await claims(client).insertOne(documents[0]!);
          else await claims(client).insertMany(documents);
        } catch {
          burst.unknown.push(keys);
          return;
        }
        acknowledged(keys);
      }
    }),
  );
  await Promise.all(clients.map((client) => client.close()));
  return burst;
}

/**
 * After the restart: every acknowledged document is there and its key still refused to another
 * document (E11000), every unacknowledged insert was kept whole or not at all, and no key is held
 * by an index without its document (the key of a document not kept can be inserted).
 */
async function expectKept(uri: string, { acked, unknown }: Burst) {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 }).connect();
  try {
    const claims = client.db('durability').collection<Claim>('claims');
    const stored = await claims.find({}).toArray();
    const keys = new Set(stored.map((d) => d.key));
    expect(acked.filter((key) => !keys.has(key))).toEqual([]);
    let kept = 0;
    for (const insert of unknown) {
      const present = insert.filter((key) => keys.has(key)).length;
      expect([0, insert.length]).toContain(present);
      kept += present;
    }
    expect(stored.length).toBe(acked.length + kept);
    expect(stored.filter((d) => d._id !== `d-${d.key.slice(2)}`)).toEqual([]);

    // Each stored key again, under another _id: refused by the unique index, one error per key.
    const again = await claims
      .insertMany(
        stored.map((d) => ({ _id: `again-${d.key}`, key: d.key })),
        { ordered: false },
      )
      .catch((err: unknown) => err);
    expect(again).toBeInstanceOf(mongoose.mongo.MongoBulkWriteError);
    const errors = [(again as mongoose.mongo.MongoBulkWriteError).writeErrors].flat();
    expect(errors.map((e) => e.code)).toEqual(stored.map(() => 11000));
    await expect(claims.insertOne({ _id: stored[0]!._id, key: 'another' })).rejects.toMatchObject({ code: 11000 });
    expect(await claims.countDocuments()).toBe(stored.length);

    // The keys of the inserts not kept: free in the index as in the documents.
    const lost = unknown.flat().filter((key) => !keys.has(key));
    for (const key of lost) await claims.insertOne({ _id: `later-${key}`, key });
    expect(await claims.countDocuments()).toBe(stored.length + lost.length);
  } finally {
    await client.close();
  }
}

describe.skipIf(!config.mongo.embedded)('the registry server, crashed', () => {
  it('keeps every acknowledged write through a kill -9 right after it, its unique indexes whole', async () => {
    const server = await ownServer();
    const first = await server.start();
    // SIGKILL to the JVM (the launcher execs it) the moment the 500th write is acknowledged.
    const burst = await writeUntilCrash(server.uri, 500, () => first.signalGroup('SIGKILL'));
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(burst.acked.length).toBeGreaterThanOrEqual(500);

    await server.start();
    await expectKept(server.uri, burst);
  });

  it('stops cleanly on SIGTERM in the middle of a burst of writes, and keeps every acknowledged one', async () => {
    const server = await ownServer();
    const first = await server.start();
    const burst = await writeUntilCrash(server.uri, 300, () => first.signalGroup('SIGTERM'));
    // The JVM's exit status after a SIGTERM whose shutdown hook ran (128 + 15), as documented in
    // RegistryServer: it stopped listening, let the commands under way end, and closed the file.
    expect(await first.exited).toEqual({ code: 143, signal: null });
    expect(server.log()).toContain('registry-server: stopped');

    await server.start();
    await expectKept(server.uri, burst);
  });

  it('halts when a commit cannot reach the disk, having acknowledged only what is on it', async () => {
    const server = await ownServer();
    // About 1 MB of file at most: the writers (2 KB a document) fill it in a few hundred writes.
    const first = await server.start(1024);
    const burst = await writeUntilCrash(server.uri, Infinity, () => {}, 'x'.repeat(2_000));
    // 70: the commit failed (Durability); the commands waiting for that commit got no answer.
    expect(await first.exited).toEqual({ code: 70, signal: null });
    // The write fails in the commit that meets the limit, or H2 has closed the store on it just before
    // (another command's commit): either way the server halts, saying why.
    expect(server.log()).toMatch(
      /registry-server: (could not write the data file|the data file was closed after an error), stopping at once/,
    );
    expect(burst.acked.length).toBeGreaterThan(50);

    await server.start();
    await expectKept(server.uri, burst);
  });

  const java = join(repoRoot, '.tools', 'registry-server', 'lib', '*');
  const writeForeignFile = (...args: string[]) =>
    promisify(execFile)('java', ['-cp', java, join(repoRoot, 'test', 'infra', 'fixtures', 'ForeignRegistryFile.java'), ...args]);
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it.each([
    [
      'written with the stock H2 storage (Java serialization)',
      ['objects'],
      /was not written with BSON storage: its map 'databases\.consulat\.accounts' does not decode .*ObjectDataType/,
    ],
    ['marked with another storage format', ['marked', 'bson-0'], /is in storage format 'bson-0'; this launcher reads 'bson-1' only/],
  ])('refuses a data file %s, names it, and leaves it as it was', async (_, args, why) => {
    const server = await ownServer();
    mkdirSync(join(server.dataDir, 'registry'), { recursive: true });
    const [mode, ...rest] = args;
    await writeForeignFile(mode!, server.file, ...rest);
    const before = sha256(server.file);

    const refused = await server.start().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(refused?.message).toMatch(/registry exited with code 1 before answering/);
    expect(refused?.message).toContain(`registry-server: ${server.file} `);
    expect(refused?.message).toMatch(why);
    expect(refused?.message).toContain('The file is left as it is');
    expect(sha256(server.file)).toBe(before);
  });
});
