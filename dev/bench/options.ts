/** The benchmark's command line (node:util parseArgs): sizes, concurrency, ports, output. */
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../stack/paths.js';

export interface BenchOptions {
  /** End-to-end renewals (and baseline round trips). */
  n: number;
  /** Concurrent citizens (and concurrent baseline clients). */
  c: number;
  /** Renewals started and left waiting for their link. */
  k: number;
  /** Waiting renewals later completed through the client API. */
  sample: number;
  /** Renewals started with a short link TTL, among the waiting ones, that must expire. */
  expirySample: number;
  expiryTtlMs: number;
  /** Baseline and end-to-end alternate in this many rounds of N / rounds each. */
  rounds: number;
  /** Warm-up renewals (and baseline round trips) before each measured phase; not counted. */
  warmup: number;
  /** Concurrent starts during the hold phase. */
  holdConcurrency: number;
  /** At most this many hold renewals started and still without their link email (0: no pacing). */
  holdWindow: number;
  /** Ports are <base> + the usual last four digits (7233, 8233, 7017, 6379, 1025, 8025, 3000...). */
  portBase: number;
  logLevel: string;
  /** The stack's folder (wiped at every run) and the results go under it; inside .data/. */
  dataDir: string;
  /** WORKER_MAX_CACHED_WORKFLOWS of the bench's worker; the configuration's default when undefined. */
  workerCache: number | undefined;
  /** Run the worker, web and baseline worker under `node --cpu-prof` and summarise the profiles. */
  cpuProf: boolean;
  /** Extra dynamic config values for the bench's Temporal dev server (experiments), KEY=JSON_VALUE. */
  serverConfig: string[];
  /** Accounts the registry phase seeds; its look-ups are timed at 1 000 and at this many. */
  accounts: number;
  /** Calls of each look-up kind timed at each size. */
  lookups: number;
  /** A MongoDB-compatible server whose look-ups the registry phase measures instead of the stack's. */
  registryUri: string | undefined;
  skip: Set<BenchPhase>;
  help: boolean;
}

export const BENCH_PHASES = ['baseline', 'e2e', 'hold', 'registry'] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];

/**
 * The bench stack's ports are this + 1025..8888: 22025..29888, below the system's ephemeral ports
 * (32768 and up on Linux), where an outgoing connection may hold one a moment, and apart from
 * `npm start`'s, the test stack's and the chaos stack's (31000..31099).
 */
export const DEFAULT_PORT_BASE = 21_000;

export const USAGE = `npm run bench -- [options]

  --n <count>              end-to-end renewals, and as many baseline round trips (default 100)
  --c <count>              concurrent citizens / baseline clients (default 8)
  --k <count>              renewals started and left waiting for their link (default 10000, the
                           target's size; --k 300 for a shorter run)
  --sample <count>         waiting renewals completed afterwards through the client API (default 20)
  --expiry-sample <count>  renewals started among the waiting ones with a short link TTL (default 10)
  --expiry-ttl <seconds>   that short link TTL (default 10)
  --rounds <count>         baseline and end to end alternate in this many rounds (default 4), so that
                           other work on the machine weighs on both alike
  --warmup <count>         unmeasured renewals before each measured phase (default 10)
  --hold-concurrency <n>   signal-with-start calls in flight while starting the K renewals (default 32)
  --hold-window <n>        at most n of them started and still without their link email (default 200);
                           0 starts them all at once (a burst: see docs/performance.md)
  --port-base <port>       the bench stack's ports are this + 7233, 8233, 7017, 6379, 1025, 8025, 3000,
                           8888 (default 21000: Temporal on 28233, Redis on 27379, web on 24000...;
                           below the system's ephemeral ports, which start at 32768 on Linux)
  --data-dir <folder>      where the stack (wiped at every run) and the results go: a folder inside
                           .data/ (default .data/bench)
  --log-level <level>      LOG_LEVEL of the worker and web processes (default info, as npm start)
  --worker-cache <n>       WORKER_MAX_CACHED_WORKFLOWS of the worker (default: the configuration's)
  --cpu-prof               run worker, web and baseline worker under node --cpu-prof; the table then
                           says where their JavaScript time went in each phase (profiles are kept in
                           .data/bench/stack/profiles/, for Chrome DevTools)
  --server-config <k=v>    an extra --dynamic-config-value for the bench's Temporal dev server, to try
                           a server setting (e.g. system.enableActivityEagerExecution=true); repeatable
  --accounts <count>       accounts the registry phase seeds, in bulk, in a database of its own; each
                           look-up the product makes is timed at 1 000 and at this many (default
                           100000: about a minute on the embedded registry server)
  --lookups <count>        calls of each look-up kind timed at each size, one at a time (default 200)
  --registry-uri <uri>     measure the look-ups of this MongoDB-compatible server (mongodb://...)
                           instead of the bench stack's, to compare servers (its database is dropped)
  --skip <phase>           baseline, e2e, hold or registry; repeatable
  --only <phase>           run this phase alone (repeatable); --only registry starts nothing but the
                           registry server (and nothing at all with --registry-uri)
  -h, --help

Results: a table on stdout, JSON in .data/bench/results/ (latest.json and a timestamped copy).
The stack runs from .data/bench/stack/, wiped at every run; its logs stay there afterwards.
Exit code: 0 when every renewal went right (missed targets are reported, not failed), 1 otherwise.`;

export class UsageError extends Error {}

function count(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got "${raw}")`);
  return value;
}

/** The bench wipes part of this folder: it must be inside the repository's .data/. */
function benchDataDir(raw: string | undefined): string {
  const dataRoot = join(repoRoot, '.data');
  const dir = resolve(repoRoot, raw ?? join(dataRoot, 'bench'));
  const inside = relative(dataRoot, dir);
  if (!inside || inside.startsWith('..') || resolve(dataRoot, inside) !== dir) {
    throw new UsageError(`--data-dir must be a folder inside ${dataRoot}/ (part of it is wiped at every run)`);
  }
  return dir;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      n: { type: 'string' },
      c: { type: 'string' },
      k: { type: 'string' },
      sample: { type: 'string' },
      'expiry-sample': { type: 'string' },
      'expiry-ttl': { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'hold-concurrency': { type: 'string' },
      'hold-window': { type: 'string' },
      'port-base': { type: 'string' },
      'log-level': { type: 'string' },
      'data-dir': { type: 'string' },
      'worker-cache': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'server-config': { type: 'string', multiple: true },
      accounts: { type: 'string' },
      lookups: { type: 'string' },
      'registry-uri': { type: 'string' },
      skip: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const phase = (option: string, name: string): BenchPhase => {
    if (!(BENCH_PHASES as readonly string[]).includes(name))
      throw new UsageError(`--${option} takes baseline, e2e, hold or registry (got "${name}")`);
    return name as BenchPhase;
  };
  const skip = new Set((values.skip ?? []).map((name) => phase('skip', name)));
  if (values.only) {
    const only = new Set(values.only.map((name) => phase('only', name)));
    for (const name of BENCH_PHASES) if (!only.has(name)) skip.add(name);
  }
  const options: BenchOptions = {
    n: count('n', values.n, 100, 1),
    c: count('c', values.c, 8, 1),
    k: count('k', values.k, 10_000, 0),
    sample: count('sample', values.sample, 20, 0),
    expirySample: count('expiry-sample', values['expiry-sample'], 10, 0),
    expiryTtlMs: count('expiry-ttl', values['expiry-ttl'], 10, 2) * 1000,
    warmup: count('warmup', values.warmup, 10, 0),
    rounds: count('rounds', values.rounds, 4, 1),
    holdConcurrency: count('hold-concurrency', values['hold-concurrency'], 32, 1),
    holdWindow: count('hold-window', values['hold-window'], 200, 0),
    portBase: count('port-base', values['port-base'], DEFAULT_PORT_BASE, 1_024),
    logLevel: values['log-level'] ?? 'info',
    dataDir: benchDataDir(values['data-dir']),
    workerCache: values['worker-cache'] === undefined ? undefined : count('worker-cache', values['worker-cache'], 0, 0),
    cpuProf: values['cpu-prof'] ?? false,
    serverConfig: values['server-config'] ?? [],
    accounts: count('accounts', values.accounts, 100_000, 1_000),
    lookups: count('lookups', values.lookups, 200, 10),
    registryUri: values['registry-uri'],
    skip,
    help: values.help ?? false,
  };
  for (const entry of options.serverConfig) {
    if (!/^[\w.]+=.+$/.test(entry)) throw new UsageError(`--server-config takes KEY=JSON_VALUE (got "${entry}")`);
  }
  if (options.registryUri !== undefined && !/^mongodb(\+srv)?:\/\//.test(options.registryUri))
    throw new UsageError(`--registry-uri takes a mongodb:// address (got "${options.registryUri}")`);
  if (options.portBase + 8888 > 65_535) throw new UsageError('--port-base is too high: the web UI ports would pass 65535');
  if (options.sample > options.k) options.sample = options.k;
  options.rounds = Math.min(options.rounds, options.n);
  return options;
}
