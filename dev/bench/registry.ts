/**
 * The registry's look-ups against its size: accounts seeded in bulk (the adapter's createMany) in
 * databases of their own, one of 1 000 accounts and one growing to N, then every kind of look-up and
 * claim the product makes timed through the adapter, one at a time, at every power of ten from
 * 10 000 and at N, the last time alternating with the 1 000-account one. The ratio of N's to
 * 1 000's says whether a look-up's cost grows with the registry (a scan) or not (an index).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { hashPassword } from '../../adapters/passwords.js';
import { connectRegistry, type Account, type Registry } from '../../adapters/registry.js';
import { randomIdentifier } from '../../domain/identifier.js';
import { RssSampler, type PeakRss } from './rss.js';
import { Timings, type Summary } from './stats.js';

/** What the product does with the registry, each timed as one call of the adapter. */
export const LOOKUP_KINDS = ['by NUMIC and email', 'by identifier', 'by ID', 'create (claims)', 'assign identifier (claims)'] as const;

/** The size the growth is measured from. */
export const BASE_ACCOUNTS = 1_000;
const SEED_BATCH = 1_000;
const SETTLE_MS = 3_000;
/** One letter per size measured (up to 10 million accounts), keeping each measure's new NUMICs apart. */
const TAGS = 'ABCDEFGH';
const WARM_TAGS = 'QRSTUVWX';

/** 1 000, every power of ten between, and N: the sizes the look-ups are timed at. */
export const checkpoints = (target: number) => {
  const sizes = [Math.min(BASE_ACCOUNTS, target)];
  for (let size = BASE_ACCOUNTS * 10; size < target; size *= 10) sizes.push(size);
  if (target > sizes.at(-1)!) sizes.push(target);
  return sizes;
};

export interface LookupSize {
  accounts: number;
  steps: Record<string, Summary>;
}

export interface RegistryResult {
  /** N: the accounts seeded. */
  accounts: number;
  /** Calls timed per kind and size. */
  lookups: number;
  /** Where: the bench stack's embedded server, or the --registry-uri one. */
  server: string;
  seedMs: number;
  seedPerSecond: number;
  /**
   * At 1 000 accounts (a database of that size, measured alternating with N's), then the growing
   * database at every power of ten up to N, and at N.
   */
  sizes: LookupSize[];
  /** At N over at 1 000, per kind (p50 and p99). */
  growth: Record<string, { p50: number; p99: number }>;
  /** The kind whose p50 grew most, and by how much: the target's value. */
  worst: { kind: string; p50Ratio: number };
  /** The embedded server's resident memory over the phase (none for a --registry-uri server). */
  serverRss?: PeakRss;
}

export interface RegistryMeasureOptions {
  uri: string;
  server: string;
  accounts: number;
  lookups: number;
  /** The server process, for its RSS. */
  serverPid?: number;
  say: (line: string) => void;
  signal: AbortSignal;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A registry the measure fills: its accounts, and how to add more. */
class Filling {
  readonly seeded: Account[] = [];
  seedMs = 0;
  private next = 0; // the index of the next account to seed

  constructor(
    readonly registry: Registry,
    readonly database: string,
    private readonly prefix: string,
    private readonly passwordHash: string,
    private readonly identifiers: Set<string>,
    private readonly say: (line: string) => void,
    private readonly signal: AbortSignal,
  ) {}

  numicOf = (index: number) => `${this.prefix}${String(index).padStart(9, '0')}`;
  emailOf = (index: number) => `${this.prefix.toLowerCase()}${index}@lookups.example.org`;

  async seedUpTo(count: number): Promise<void> {
    const started = performance.now();
    // Two batches in flight: while the server stores one batch's accounts, it claims the next
    // one's keys (collections are locked one at a time, not the server).
    const lane = async () => {
      while (this.next < count) {
        this.signal.throwIfAborted();
        const from = this.next;
        this.next = Math.min(count, this.next + SEED_BATCH);
        const batch = Array.from({ length: this.next - from }, (_, i) => {
          let identifier: string;
          do identifier = randomIdentifier();
          while (this.identifiers.has(identifier));
          this.identifiers.add(identifier);
          const index = from + i;
          const phone = `+336${String(index).padStart(8, '0')}`;
          return { numic: this.numicOf(index), email: this.emailOf(index), phone, identifier, passwordHash: this.passwordHash };
        });
        this.seeded.push(...(await this.registry.createMany(batch)));
        if (this.seeded.length % 20_000 === 0 && this.seeded.length < count) this.say(`  ${this.seeded.length} accounts...`);
      }
    };
    await Promise.all([lane(), lane()]);
    this.seedMs += performance.now() - started;
  }
}

export async function measureRegistry(options: RegistryMeasureOptions): Promise<RegistryResult> {
  const { accounts: target, lookups, say, signal } = options;
  // Databases of their own, dropped at the end: the other phases' accounts do not count, and a
  // server given with --registry-uri keeps nothing of the run. Two: one stays at 1 000 accounts,
  // the other grows to N, and the last measure alternates between them, so that the machine's
  // other work (shared with other test runs) weighs on both sides of the ratio alike.
  const run = randomBytes(3).toString('hex');
  const passwordHash = await hashPassword('Banc-L-partage-2026'); // one hash for all: their size, not their cost
  const identifiers = new Set<string>();
  const open = async (suffix: string, prefix: string) => {
    const database = `bench_lookups_${run}_${suffix}`;
    const registry = await connectRegistry(options.uri, database);
    await registry.ensureIndexes();
    return new Filling(registry, database, prefix, passwordHash, identifiers, say, signal);
  };
  const fillings: Filling[] = [];
  const sampler = options.serverPid === undefined ? undefined : new RssSampler({ server: options.serverPid });
  try {
    const small = await open('1k', 'K');
    fillings.push(small);
    const large = await open('n', 'L');
    fillings.push(large);
    say(
      `registry: seeding ${BASE_ACCOUNTS} accounts in ${small.database}, then up to ${target} in ${large.database}, on ${options.server}...`,
    );
    await small.seedUpTo(BASE_ACCOUNTS);

    const sizes: LookupSize[] = [];
    let paired: Timings[] | undefined; // the 1 000-account database's, then N's
    // The growing database is measured from 10 000 on (at 1 000 it would be the other one's twin).
    const sizesSeen = checkpoints(target).filter((_, i, all) => i > 0 || all.length === 1);
    for (const [i, size] of sizesSeen.entries()) {
      if (i > 0) say(`registry: seeding up to ${size} accounts...`);
      await large.seedUpTo(size);
      // The bulk load's aftermath (a server writing behind, collecting garbage) left to settle: the
      // product's look-ups do not follow 100 000 inserts. Then a warm-up (the server's code paths
      // compiled, its caches filled), longer the first time: a JVM compiles its hot code late.
      await sleep(SETTLE_MS, undefined, { signal });
      await timeLookups(
        [large],
        i === 0 ? Math.max(200, lookups) : Math.max(10, Math.floor(lookups / 4)),
        new Timings(),
        WARM_TAGS[i]!,
        signal,
      );
      const last = i === sizesSeen.length - 1;
      say(`registry: ${lookups} of each look-up at ${large.seeded.length} accounts${last ? `, alternating with ${BASE_ACCOUNTS}` : ''}...`);
      if (!last) {
        sizes.push({ accounts: large.seeded.length, steps: (await sizeSteps([large], lookups, TAGS[i]!, signal))[0]!.summaries() });
        continue;
      }
      await timeLookups([small], Math.max(10, Math.floor(lookups / 4)), new Timings(), 'Z', signal);
      paired = await sizeSteps([small, large], lookups, TAGS[i]!, signal);
      sizes.unshift({ accounts: BASE_ACCOUNTS, steps: paired[0]!.summaries() });
      sizes.push({ accounts: large.seeded.length, steps: paired[1]!.summaries() });
    }

    // From the unrounded percentiles: a 0.4 ms look-up's summary says 0.4 whether it took 0.35 or 0.45.
    const growth: RegistryResult['growth'] = {};
    let worst = { kind: LOOKUP_KINDS[0] as string, p50Ratio: 0 };
    const [base, full] = paired!;
    for (const kind of LOOKUP_KINDS) {
      const ratio = (p: number) => round(full!.percentile(kind, p) / base!.percentile(kind, p));
      growth[kind] = { p50: ratio(50), p99: ratio(99) };
      if (growth[kind].p50 > worst.p50Ratio) worst = { kind, p50Ratio: growth[kind].p50 };
    }
    const seedMs = small.seedMs + large.seedMs;
    const seedCount = small.seeded.length + large.seeded.length;
    return {
      accounts: target,
      lookups,
      server: options.server,
      seedMs: Math.round(seedMs),
      seedPerSecond: Math.round(seedCount / (seedMs / 1000)),
      sizes,
      growth,
      worst,
      serverRss: sampler?.stop().server,
    };
  } finally {
    sampler?.stop();
    for (const { registry, database } of fillings) {
      await dropDatabase(options.uri, database).catch((err: Error) => say(`registry: could not drop ${database}: ${err.message}`));
      await registry.close();
    }
  }
}

/** Per filling, the summaries of `lookups` rounds of every kind, the fillings' rounds alternating. */
async function sizeSteps(fillings: Filling[], lookups: number, tag: string, signal: AbortSignal) {
  const timings = fillings.map(() => new Timings());
  await timeLookups(fillings, lookups, timings, tag, signal);
  return timings;
}

/**
 * `count` rounds of every kind on each filling, kinds and fillings interleaved so that other work
 * on the machine weighs on each alike (`tag`, one capital letter, keeps each measure's new NUMICs
 * apart); the accounts read are drawn at random among all those seeded (cold ones included).
 * Every answer is checked: a fast wrong answer would measure nothing.
 */
async function timeLookups(fillings: Filling[], count: number, timings: Timings | Timings[], tag: string, signal: AbortSignal) {
  const timingsOf = (i: number) => (Array.isArray(timings) ? timings[i]! : timings);
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`registry look-up gave a wrong answer: ${what}`);
  };
  for (let i = 0; i < count; i++) {
    // Which filling goes first alternates too: neither always follows the other's writes.
    for (let k = 0; k < fillings.length; k++) {
      signal.throwIfAborted();
      const f = (i % 2 === 0 ? k : fillings.length - 1 - k) % fillings.length;
      const { registry, seeded, emailOf, database } = fillings[f]!;
      const t = timingsOf(f);
      const pick = () => seeded[randomInt(seeded.length)]!;
      const a = pick();
      const byNumic = await t.time('by NUMIC and email', () => registry.findByNumicAndEmail(a.numic, emailOf(Number(a.numic.slice(1)))));
      expect(byNumic?.id === a.id, `by NUMIC ${a.numic}`);
      const b = pick();
      const byIdentifier = await t.time('by identifier', () => registry.findByIdentifier(b.identifier));
      expect(byIdentifier?.id === b.id, `by identifier ${b.identifier}`);
      const c = pick();
      const byId = await t.time('by ID', () => registry.findById(c.id));
      expect(byId?.numic === c.numic, `by ID ${c.id}`);
      // A new account (its NUMIC and identifier claimed), which then gets a new identifier (claimed,
      // with the renewal's assignment): the seeded accounts keep theirs for the look-ups above.
      const numic = `N${tag}${String(i).padStart(8, '0')}`;
      const created = await t.time('create (claims)', () =>
        registry.create({
          numic,
          email: `${numic}@lookups.example.org`,
          phone: '+33600000000',
          identifier: randomIdentifier(),
          passwordHash: 'x',
        }),
      );
      const assigned = await t.time('assign identifier (claims)', () =>
        registry.assignIdentifier(created.id, `renouvellement-l/${database}/${tag}-${i}`, randomIdentifier),
      );
      expect(assigned !== created.identifier, `assignment for ${numic}`);
    }
  }
}

async function dropDatabase(uri: string, database: string) {
  const connection = await mongoose.createConnection(uri, { dbName: database, serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
