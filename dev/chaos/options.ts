/** The chaos run's command line (node:util parseArgs): sizes, seed, ports, output. */
import { randomInt } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../stack/paths.js';

export interface ChaosOptions {
  /** Renewals driven through the web, one per seeded account. */
  renewals: number;
  /** Citizens at a time, at most. */
  concurrency: number;
  /** Draws the fault schedule and the citizens' plan: the same seed replays the same plan. */
  seed: number;
  /** Short outages and one kill of each kind: the variant `npm test` runs. */
  small: boolean;
  /** The stack's ports are in base..base+99 (see environment.ts). */
  portBase: number;
  /** The stack's folder (wiped at every run) goes under it, the report beside it; inside .data/. */
  dataDir: string;
  /** Where the JSON report goes (default <data-dir>/report.json). */
  json: string;
  logLevel: string;
  help: boolean;
}

/**
 * The chaos stack's ports default to 31000..31099 (CHAOS_PORT_BASE or --port-base moves them):
 * below Linux's ephemeral range (32768 and up), because servers are stopped and started again
 * there: a client retrying a connection to a port in that range while nothing listens can be given
 * that very port as its own (a TCP self-connection), and the server then cannot bind it.
 */
export const DEFAULT_PORT_BASE = 31_000;
const PORT_SPAN = 100;

export const USAGE = `npm run chaos -- [options]

  --renewals <count>     renewals driven through the web, a mix of identifier and password kinds,
                         one per account (default 200; 12 with --small)
  --concurrency <count>  citizens at a time, at most (default 8; 4 with --small)
  --seed <integer>       the seed of the fault schedule and of the citizens' plan (default: drawn and
                         printed); the same seed replays the same schedule
  --small                each kind of fault once, with short outages (about a minute of faults)
  --port-base <port>     the chaos stack's ports are this + 0..99 (default CHAOS_PORT_BASE or 31000:
                         portal on 31000, its two web instances on 31001-31002, Temporal on 31010...)
  --data-dir <folder>    a folder inside .data/ (default .data/chaos): the stack runs in its stack/
                         (wiped at every run, its logs stay there afterwards)
  --json <file>          where the report goes (default <data-dir>/report.json)
  --log-level <level>    LOG_LEVEL of the worker and web processes (default info, as npm start)
  -h, --help

Exit code: 0 when the audits found no loss, no duplicate, no stuck renewal and no unexplained 5xx;
1 otherwise; 2 for a bad command line.`;

export class UsageError extends Error {}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** Part of this folder is wiped: it must be inside the repository's .data/. */
function chaosDataDir(raw: string | undefined): string {
  const dataRoot = join(repoRoot, '.data');
  const dir = resolve(repoRoot, raw ?? join(dataRoot, 'chaos'));
  const inside = relative(dataRoot, dir);
  if (!inside || inside.startsWith('..') || resolve(dataRoot, inside) !== dir) {
    throw new UsageError(`--data-dir must be a folder inside ${dataRoot}/ (part of it is wiped at every run)`);
  }
  return dir;
}

export function parseOptions(argv: string[], outer: NodeJS.ProcessEnv = process.env): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      renewals: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      small: { type: 'boolean' },
      'port-base': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const small = values.small ?? false;
  const dataDir = chaosDataDir(values['data-dir']);
  const portBase = integer('port-base', values['port-base'] ?? outer.CHAOS_PORT_BASE, DEFAULT_PORT_BASE, 1_024, 65_535 - PORT_SPAN);
  return {
    renewals: integer('renewals', values.renewals, small ? 12 : 200, 1, 5_000),
    concurrency: integer('concurrency', values.concurrency, small ? 4 : 8, 1, 256),
    seed: integer('seed', values.seed, randomInt(0, 2 ** 31 - 1), 0, 2 ** 31 - 1),
    small,
    portBase,
    dataDir,
    json: values.json ? resolve(process.cwd(), values.json) : join(dataDir, 'report.json'),
    logLevel: values['log-level'] ?? 'info',
    help: values.help ?? false,
  };
}
