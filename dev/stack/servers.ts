/**
 * What each embedded server is: its command line, the ports it needs (and the variables that change
 * them), where its data and log live, and how to tell that it answers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../../config/index.js';
import { renewalSearchAttributes } from '../../workflows/search-attributes.js';
import { StackError } from './errors.js';
import { answersTcp } from './ports.js';
import type { ServiceSpec } from './stack.js';
import { locateTool } from './tools.js';
import { allProbes, httpProbe, tcpProbe, type Probe } from './wait.js';

/** Names the variable that changes a setting; tests prefix them (TEST_TEMPORAL_PORT...). */
export type VariableName = (name: string) => string;
const asIs: VariableName = (name) => name;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function splitAddress(address: string): { host: string; port: number | undefined } {
  const match = /^(.*):(\d+)$/.exec(address);
  return match ? { host: match[1]!, port: Number(match[2]) } : { host: address, port: undefined };
}

/**
 * The embedded dev server runs when TEMPORAL_ADDRESS is on this machine; another address means an
 * existing Temporal server, which is then used as it is.
 */
export function usesEmbeddedTemporal(config: Config, variable: VariableName = asIs): boolean {
  const { host, port } = splitAddress(config.temporal.address);
  if (!LOOPBACK.has(host)) return false;
  if (port !== config.temporal.port) {
    throw new StackError(
      `${variable('TEMPORAL_ADDRESS')} (${config.temporal.address}) does not point at the embedded Temporal server ` +
        `(port ${config.temporal.port}, ${variable('TEMPORAL_PORT')}): set both to the same port.`,
    );
  }
  return true;
}

/** Mailpit runs when SMTP_HOST is this machine; another host means a real SMTP server. */
export const usesEmbeddedMailpit = (config: Config) => LOOPBACK.has(config.smtp.host);

/** Ready when the namespace can be described: the frontend is up and the namespace registered. */
const temporalProbe =
  (address: string, namespace: string): Probe =>
  async () => {
    if (!(await answersTcp(splitAddress(address).port ?? 7233))) return false;
    const connection = await Connection.connect({ address, connectTimeout: 2_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } finally {
      await connection.close();
    }
  };

/** How often the dev server's single history shard may read its queue of tasks to dispatch. */
export const TRANSFER_QUEUE_READS_PER_SECOND = 1000;

export function temporalDevServer(config: Config, variable: VariableName = asIs): ServiceSpec {
  const { port, uiPort, namespace } = config.temporal;
  const dataDir = join(config.dataDir, 'temporal');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    join(dataDir, 'temporal.db'),
    // Write-ahead log, synced at checkpoints: 1 000 waiting renewals started at 33 a second on two
    // cores instead of 19-20, about a quarter less of Temporal's CPU per renewal (docs/performance.md). A commit
    // survives the server process being killed (the chaos run does); an OS crash or a power cut may
    // lose the last ones, as befits a development server (production runs a Temporal cluster).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--ui-codec-endpoint',
    `http://localhost:${config.codecServer.port}`,
    '--log-level',
    'warn',
    // The dev server has one history shard (a cluster has hundreds), and a shard reads its queue of
    // tasks to dispatch at most 20 times a second by default: every workflow and activity task of the
    // server waited 20-35 ms for its read, on an idle machine (docs/performance.md, 2026-12-02).
    '--dynamic-config-value',
    `history.transferProcessorMaxPollRPS=${TRANSFER_QUEUE_READS_PER_SECOND}`,
    // The same switches the SDK's own ephemeral dev server turns on.
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ];
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const key of renewalSearchAttributes) {
    args.push('--search-attribute', `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
  }
  return {
    name: 'temporal',
    command: locateTool('temporal'),
    args,
    ports: [
      { port, variable: variable('TEMPORAL_PORT') },
      { port: uiPort, variable: variable('TEMPORAL_UI_PORT') },
    ],
    prepare: () => mkdirSync(dataDir, { recursive: true }),
    probe: allProbes(temporalProbe(`127.0.0.1:${port}`, namespace), httpProbe(`http://127.0.0.1:${uiPort}/`)),
    answersOn: `127.0.0.1:${port} (gRPC) and :${uiPort} (UI)`,
    readyTimeoutMs: 90_000,
    layer: 0,
  };
}

/**
 * The registry's MongoDB-compatible server (mongo-java-server on its H2 backend, built by
 * dev/tools/setup.sh from dev/tools/registry-server/): its look-ups by _id and unique index read an
 * index, whatever the registry's size. Its MVStore file under .data/registry/ keeps the accounts
 * across a restart; SIGTERM closes it cleanly (the JVM's shutdown hook).
 */
export function registryServer(config: Config, variable: VariableName = asIs): ServiceSpec {
  const port = config.mongo.registryPort;
  const dataDir = join(config.dataDir, 'registry');
  return {
    name: 'registry',
    command: locateTool('registry-server'),
    args: ['--port', String(port), '--data-dir', dataDir],
    ports: [{ port, variable: variable('REGISTRY_PORT') }],
    prepare: () => mkdirSync(dataDir, { recursive: true }),
    probe: tcpProbe(port),
    answersOn: `127.0.0.1:${port}`,
    readyTimeoutMs: 30_000,
    layer: 0,
  };
}

export function mailpit(config: Config, variable: VariableName = asIs): ServiceSpec {
  const { port, mailpitUiPort } = config.smtp;
  const dataDir = join(config.dataDir, 'mailpit');
  return {
    name: 'mailpit',
    command: locateTool('mailpit'),
    args: [
      '--database',
      join(dataDir, 'mailpit.db'),
      '--smtp',
      `127.0.0.1:${port}`,
      '--listen',
      `127.0.0.1:${mailpitUiPort}`,
      '--smtp-auth-accept-any', // SMTP_USER/SMTP_PASSWORD may be set: any credentials are fine
      '--smtp-auth-allow-insecure',
      '--smtp-disable-rdns', // no DNS look-ups on an offline machine
      '--disable-version-check',
      '--max',
      '5000',
    ],
    ports: [
      { port, variable: variable('SMTP_PORT') },
      { port: mailpitUiPort, variable: variable('MAILPIT_UI_PORT') },
    ],
    prepare: () => mkdirSync(dataDir, { recursive: true }),
    probe: allProbes(tcpProbe(port), httpProbe(`http://127.0.0.1:${mailpitUiPort}/readyz`)),
    answersOn: `127.0.0.1:${port} (SMTP) and :${mailpitUiPort} (UI)`,
    readyTimeoutMs: 30_000,
    layer: 0,
  };
}

/**
 * Redis, the web's shared store (sessions, security codes, rate-limit counters, each with its own
 * expiry). Its snapshot under .data/redis/ keeps them across a restart, as a deployed store would.
 */
export function redis(config: Config, variable: VariableName = asIs): ServiceSpec {
  const { port } = config.store;
  const dataDir = join(config.dataDir, 'redis');
  return {
    name: 'redis',
    command: locateTool('redis-server'),
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dataDir,
      '--dbfilename',
      'dump.rdb',
      '--save',
      '60 1',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      '--maxmemory',
      '256mb',
      // Counters and codes all carry an expiry: when full, the nearest to expire go first.
      '--maxmemory-policy',
      'volatile-ttl',
    ],
    ports: [{ port, variable: variable('REDIS_PORT') }],
    prepare: () => mkdirSync(dataDir, { recursive: true }),
    probe: tcpProbe(port),
    answersOn: `127.0.0.1:${port}`,
    readyTimeoutMs: 30_000,
    layer: 0,
  };
}

/** The servers the configuration asks to run here (Temporal, the registry, Mailpit, Redis), in start order. */
export function embeddedServers(config: Config, variable: VariableName = asIs): ServiceSpec[] {
  const specs: ServiceSpec[] = [];
  if (usesEmbeddedTemporal(config, variable)) specs.push(temporalDevServer(config, variable));
  if (config.mongo.embedded) specs.push(registryServer(config, variable));
  if (usesEmbeddedMailpit(config)) specs.push(mailpit(config, variable));
  if (config.store.embedded) specs.push(redis(config, variable));
  return specs;
}
