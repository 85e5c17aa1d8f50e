/**
 * The docs say what the code does: fails when they drift apart. Every configuration variable is in
 * docs/configuration.md with its default and no unknown one is; the processes said to use a
 * variable do load it, and the production secrets table is what each loader requires; every
 * `npm run <script>` and every relative link of README.md and docs/*.md exists; docs/operators.md
 * names every stage and outcome, every search attribute with its type, the ops tool's exit codes,
 * and each of its visibility queries is accepted by the test run's Temporal dev server (the one
 * test here that needs a server: vitest's global setup starts it with the search attributes).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { TypedSearchAttributes } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTemporal, type TemporalClient } from '../../client/connect.js';
import { EnvSchema } from '../../config/environment.js';
import {
  CONFIG_VARIABLES,
  loadCodecServerConfig,
  loadConfig,
  loadOpsConfig,
  loadSeedConfig,
  loadWebConfig,
  loadWorkerConfig,
} from '../../config/index.js';
import { EXIT } from '../../ops/cli.js';
import { RENEWAL_OUTCOMES, RENEWAL_STAGES, RENEWAL_WORKFLOW_TYPE } from '../../workflows/definitions.js';
import { RENEWAL_WORKFLOW_TYPE as LEGACY_WORKFLOW_TYPE } from '../../workflows/legacy/definitions.js';
import { renewalSearchAttributes } from '../../workflows/search-attributes.js';
import { anchors, codeBlocks, codeSpans, linkTargets, tables, type Table } from './markdown.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const docsDir = join(root, 'docs');
/** README.md and every docs/*.md, as paths from the repository's root. */
const documents = [
  'README.md',
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const CONFIGURATION = 'docs/configuration.md';
const OPERATORS = 'docs/operators.md';

const columnOf = (table: Table, name: string) => {
  const index = table.header.findIndex((h) => h.toLowerCase() === name);
  expect(index, `column « ${name} » in the table under « ${table.heading} »`).toBeGreaterThanOrEqual(0);
  return index;
};

// ---------------------------------------------------------------------------------------------
// What config/index.ts does, found by calling the loaders (no server, no file written).

type Loader = (env: NodeJS.ProcessEnv) => unknown;
const PROCESSES: Record<string, Loader> = {
  web: loadWebConfig,
  worker: loadWorkerConfig,
  'codec server': loadCodecServerConfig,
  ops: loadOpsConfig,
  seed: loadSeedConfig,
};
type Outcome = { ok: true; config: unknown } | { ok: false; message: string };
function attempt(load: Loader, env: NodeJS.ProcessEnv): Outcome {
  try {
    return { ok: true, config: load(env) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** What production needs besides the secrets: an https portal, a real SMS gateway. */
const PRODUCTION: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://portail.example.fr',
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: 'https://sms.example.fr/envoi',
};
/** 32 random bytes in base64: a valid key, and a text secret long enough for production. */
const freshSecret = () => randomBytes(32).toString('base64');

/**
 * Every secret some process requires in production, each with a fresh value: found by starting each
 * loader without them and adding the one it names, until all start (seed refuses production anyway).
 */
function productionSecrets(dataDir: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [process, load] of Object.entries(PROCESSES)) {
    if (process === 'seed') continue;
    for (;;) {
      const outcome = attempt(load, { ...PRODUCTION, DATA_DIR: dataDir, ...secrets });
      if (outcome.ok) break;
      const missing = /^(\w+) must be set in production/.exec(outcome.message)?.[1];
      if (!missing || missing in secrets) throw new Error(`${process} does not start in production: ${outcome.message}`);
      secrets[missing] = freshSecret();
    }
  }
  return secrets;
}

const shape = EnvSchema.shape as Record<string, { safeParse(value: unknown): { success: boolean; data?: unknown } }>;

/** The default a variable's schema declares, as written in the environment (before any transform). */
function declaredDefault(name: string): unknown {
  type Def = { type: string; in?: { _zod: { def: Def } }; defaultValue?: unknown };
  let def = (shape[name] as unknown as { _zod: { def: Def } })._zod.def;
  while (def.type === 'pipe' && def.in) def = def.in._zod.def;
  if (def.type !== 'default') return undefined;
  return typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
}

/** A value the variable's schema accepts and reads differently from `current`. */
function otherValue(name: string, current: string | undefined): string {
  const key = freshSecret();
  const candidates = name.endsWith('_PREVIOUS_KEYS')
    ? [`autre:${key}`]
    : [key, '2', '12345', '7m', 'true', 'false', 'test', 'debug', 'http', 'dev', 'https://autre.example.fr', 'autre@example.fr'];
  const now = shape[name]!.safeParse(current);
  const found = candidates.find((c) => {
    const parsed = shape[name]!.safeParse(c);
    return parsed.success && !isDeepStrictEqual(parsed.data, now.data);
  });
  if (found === undefined) throw new Error(`no other value found for ${name}: add a candidate to the docs test`);
  return found;
}

/**
 * Which processes take each variable into their configuration: changing it changes what they load
 * (or makes them refuse to start). Two environments, so that settings read only beside another one
 * (SMTP_PASSWORD with SMTP_USER, SMS_HTTP_* with SMS_PROVIDER=http) are seen too.
 */
function loadedBy(dataDir: string): Map<string, Set<string>> {
  // Development, every secret set: nothing is generated, nothing written.
  const plain: NodeJS.ProcessEnv = { NODE_ENV: 'development', DATA_DIR: dataDir, ...productionSecrets(dataDir) };
  const withOptions: NodeJS.ProcessEnv = {
    ...plain,
    SMTP_USER: 'postmaster',
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: 'https://sms.example.fr/envoi',
  };
  const result = new Map<string, Set<string>>(CONFIG_VARIABLES.map((name) => [name, new Set<string>()]));
  for (const base of [plain, withOptions]) {
    for (const [process, load] of Object.entries(PROCESSES)) {
      const before = attempt(load, base);
      if (!before.ok) throw new Error(`${process} does not load the base environment: ${before.message}`);
      for (const name of CONFIG_VARIABLES) {
        const after = attempt(load, { ...base, [name]: otherValue(name, base[name]) });
        if (!after.ok || !isDeepStrictEqual(before.config, after.config)) result.get(name)!.add(process);
      }
    }
  }
  return result;
}

/** Which secrets each process refuses to start without in production. */
function requiredInProduction(dataDir: string, secrets: Record<string, string>): Map<string, Set<string>> {
  const base: NodeJS.ProcessEnv = { ...PRODUCTION, DATA_DIR: dataDir, ...secrets };
  const result = new Map<string, Set<string>>();
  for (const [process, load] of Object.entries(PROCESSES)) {
    if (process === 'seed') continue; // refuses to run in production at all (checked below)
    const full = attempt(load, base);
    expect(full.ok, `${process} starts in production with every secret: ${full.ok ? '' : full.message}`).toBe(true);
    const required = new Set<string>();
    for (const secret of Object.keys(secrets)) {
      const without = { ...base };
      delete without[secret];
      const outcome = attempt(load, without);
      if (!outcome.ok && outcome.message.includes(`${secret} must be set in production`)) required.add(secret);
    }
    result.set(process, required);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

/** The rows of the configuration's variable tables (those whose first column is « variable »). */
function variableRows(text: string) {
  return tables(text)
    .filter((t) => t.header[0]?.toLowerCase() === 'variable')
    .flatMap((table) =>
      table.rows.map((row) => {
        const names = codeSpans(row[0] ?? '');
        expect(names, `one variable per row under « ${table.heading} »: ${row[0]}`).toHaveLength(1);
        return { name: names[0]!, defaultCell: row[columnOf(table, 'default')] ?? '', usedBy: row[columnOf(table, 'used by')] ?? '' };
      }),
    );
}

describe('docs/configuration.md', () => {
  const text = read(CONFIGURATION);
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'docs-config-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists every variable of CONFIG_VARIABLES once, and no other', () => {
    const listed = variableRows(text).map((r) => r.name);
    expect(
      listed.filter((name, i) => listed.indexOf(name) !== i),
      'listed twice',
    ).toEqual([]);
    expect(
      listed.filter((name) => !CONFIG_VARIABLES.includes(name)),
      'listed, but the schema does not know them',
    ).toEqual([]);
    expect(
      CONFIG_VARIABLES.filter((name) => !listed.includes(name)),
      'in the schema, missing from the docs',
    ).toEqual([]);
  });

  it('names only known variables in its other tables and in its shell examples', () => {
    const secretsTable = tables(text).filter((t) => t.header[0]?.toLowerCase() === 'secret');
    const inTables = secretsTable.flatMap((t) => t.rows.flatMap((row) => codeSpans(row[0] ?? '')));
    const inShell = codeBlocks(text).flatMap((block) => [...block.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]+)=/g)].map((m) => m[1]!));
    expect([...inTables, ...inShell].filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });

  it('gives each variable the default its schema declares', () => {
    const wrong = variableRows(text).flatMap(({ name, defaultCell }) => {
      const declared = declaredDefault(name);
      if (declared === undefined) return /^`[^`]*`$/.test(defaultCell.trim()) ? [`${name}: documents a default, the schema has none`] : [];
      return codeSpans(defaultCell).includes(String(declared))
        ? []
        : [`${name}: the schema's default is \`${String(declared)}\`, the docs say ${defaultCell}`];
    });
    expect(wrong).toEqual([]);
  });

  it('says a process uses a variable only if its loader (config/index.ts) loads it', () => {
    const loaded = loadedBy(dataDir);
    const wrong = variableRows(text).flatMap(({ name, usedBy }) => {
      const said = Object.keys(PROCESSES).filter((process) => new RegExp(`(^|[ ,])${process}($|[ ,])`).test(usedBy));
      const problems = said.filter((process) => !loaded.get(name)!.has(process)).map((process) => `${name}: ${process} does not load it`);
      if (said.length === 0 && !usedBy.includes('npm start')) problems.push(`${name}: no process named in « ${usedBy} »`);
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  it('lists exactly the secrets each process requires in production', () => {
    const table = tables(text).find((t) => t.header[0]?.toLowerCase() === 'secret');
    expect(table, 'the table of the secrets each process requires in production').toBeDefined();
    const secrets = productionSecrets(dataDir);
    const required = requiredInProduction(dataDir, secrets);
    expect(table!.rows.map((row) => codeSpans(row[0]!)[0]).sort()).toEqual(Object.keys(secrets).sort());
    for (const [process, secrets] of required) {
      const column = columnOf(table!, process);
      const documented = table!.rows.filter((row) => row[column]!.includes('✓')).map((row) => codeSpans(row[0]!)[0]);
      expect({ process, secrets: documented.sort() }).toEqual({ process, secrets: [...secrets].sort() });
    }
    const seed = attempt(loadSeedConfig, { ...PRODUCTION, DATA_DIR: dataDir, ...secrets });
    expect(seed.ok, 'npm run seed refuses to run in production, as the docs say').toBe(false);
  });
});

describe('README.md and docs/*.md', () => {
  it('mention only npm scripts that package.json has', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const missing = documents.flatMap((doc) => {
      const text = read(doc);
      const named = [
        ...[...text.matchAll(/\bnpm run(?:\s+(?:--silent|-s))?\s+([A-Za-z][\w:.-]*)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/\bnpm (start|test)\b/g)].map((m) => m[1]!),
      ];
      return [...new Set(named)].filter((script) => !scripts.includes(script)).map((script) => `${doc}: npm run ${script}`);
    });
    expect(missing).toEqual([]);
  });

  it('link only to files (and headings) that exist', () => {
    const broken = documents.flatMap((doc) =>
      linkTargets(read(doc)).flatMap(({ target, line }) => {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return []; // https:, mailto:…
        const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
        const file = pathPart === '' ? join(root, doc) : resolve(dirname(join(root, doc)), decodeURIComponent(pathPart));
        const where = `${doc}:${line} → ${target}`;
        if (!existsSync(file)) return [`${where}: no such file`];
        if (anchor === undefined || anchor === '') return [];
        if (!statSync(file).isFile() || !file.endsWith('.md')) return [`${where}: an anchor into something that is not Markdown`];
        return anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())
          ? []
          : [`${where}: no heading « #${anchor} » in ${relative(root, file)}`];
      }),
    );
    expect(broken).toEqual([]);
  });
});

/** Every visibility query of docs/operators.md: in its tables, and every `--query "…"` anywhere. */
function operatorQueries(text: string): { query: string; count: boolean }[] {
  const found: { query: string; count: boolean }[] = [];
  const CLAUSE = /\b(?:WorkflowType|WorkflowId|ExecutionStatus|StartTime|CloseTime|Renewal[A-Z]\w*)\s*(?:=|!=|<=|>=|<|>|IN\b|IS\b)/;
  for (const table of tables(text)) {
    for (const span of table.rows.flat().flatMap(codeSpans)) {
      const cli = /^temporal workflow (list|count)\b.*--query "(.*)"$/.exec(span);
      if (cli) found.push({ query: cli[2]!, count: cli[1] === 'count' });
      else if (CLAUSE.test(span)) found.push({ query: span, count: /\bGROUP BY\b/.test(span) });
    }
  }
  for (const m of text.matchAll(/temporal (?:[\w-]+ )*workflow (list|count)\b[^\n"]*(?:\\\n[^\n"]*)*--query "([^"]+)"/g)) {
    if (CLAUSE.test(m[2]!)) found.push({ query: m[2]!, count: m[1] === 'count' }); // not a placeholder (« … »)
  }
  return [...new Map(found.map((q) => [q.query, q])).values()];
}

describe('docs/operators.md', () => {
  const text = read(OPERATORS);
  const spans = new Set(codeSpans(text));

  it('names every stage and every outcome the workflow sets', () => {
    expect(RENEWAL_STAGES.filter((stage) => !spans.has(stage))).toEqual([]);
    expect(RENEWAL_OUTCOMES.filter((outcome) => !spans.has(outcome))).toEqual([]);
  });

  it('lists every search attribute with its type, in the table and in the production registration', () => {
    const expected = renewalSearchAttributes.map((key) => `${key.name}:${TypedSearchAttributes.toMetadataType(key.type)}`).sort();
    const table = tables(text).find((t) => t.header[0]?.toLowerCase() === 'attribute');
    expect(table, 'the search attributes table').toBeDefined();
    const type = columnOf(table!, 'type');
    expect(table!.rows.map((row) => `${codeSpans(row[0]!)[0]}:${row[type]}`).sort()).toEqual(expected);
    const loop = /for attribute in ([^;]+);/.exec(text);
    expect(loop, 'the registration loop for a production cluster').not.toBeNull();
    expect(loop![1]!.trim().split(/\s+/).sort()).toEqual(expected);
  });

  it('lists the exit codes of npm run ops', () => {
    const table = tables(text).find((t) => t.header[0]?.toLowerCase() === 'code');
    expect(table, 'the exit codes table').toBeDefined();
    expect(table!.rows.map((row) => Number(row[0]))).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('writes every query for both workflow types, and the refused accounts with the default lock-out limit', () => {
    const queries = operatorQueries(text);
    expect(queries.length, 'queries found in docs/operators.md').toBeGreaterThanOrEqual(15);
    const types = [
      `WorkflowType IN ('${RENEWAL_WORKFLOW_TYPE}', '${LEGACY_WORKFLOW_TYPE}')`,
      `WorkflowType = '${LEGACY_WORKFLOW_TYPE}'`,
      `WorkflowType = '${RENEWAL_WORKFLOW_TYPE}'`,
    ];
    expect(queries.filter(({ query }) => !types.some((t) => query.includes(t))).map((q) => q.query)).toEqual([]);
    const limit = String(declaredDefault('LOCKOUT_LIMIT'));
    for (const { query } of queries) {
      const refused = /RenewalOutcome = 'locked' AND RenewalLockouts >= (\d+)/.exec(query);
      if (refused) expect(refused[1], query).toBe(limit);
    }
  });

  describe('on the test run’s Temporal dev server', () => {
    let temporal: TemporalClient;
    beforeAll(async () => {
      temporal = await connectTemporal(loadConfig(process.env));
    });
    afterAll(async () => {
      await temporal?.close();
    });

    it('accepts every visibility query, concrete timestamps as written', async () => {
      const refused: string[] = [];
      for (const { query, count } of operatorQueries(text)) {
        try {
          if (count) await temporal.client.workflow.count(query);
          else for await (const _ of temporal.client.workflow.list({ query, pageSize: 1 })) break;
        } catch (err) {
          const cause = (err as Error).cause as Error | undefined;
          refused.push(`${query}\n    → ${(err as Error).message}${cause ? `: ${cause.message}` : ''}`);
        }
      }
      expect(refused).toEqual([]);
    });
  });
});
