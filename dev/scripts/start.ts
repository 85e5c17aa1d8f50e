/**
 * `npm start`: the embedded servers (Temporal dev server, registry, Mailpit, Redis) while the workflow
 * bundle is built afresh, then the worker (on that bundle), the codec server and the web server,
 * until Ctrl-C (or SIGTERM) stops them all. A child that dies once started is restarted with a
 * back-off (dev/stack/restart-policy.ts), as compose's `restart: unless-stopped` does; one that
 * fails to start, or keeps crashing, stops everything with its log tail and a non-zero exit.
 */
import { relative } from 'node:path';
import { ConfigError, loadConfig } from '../../config/index.js';
import { appsBuild, codecServer, runBuilds, webInstances, workers } from '../stack/apps.js';
import { StackError } from '../stack/errors.js';
import { repoRoot } from '../stack/paths.js';
import { embeddedServers, usesEmbeddedMailpit, usesEmbeddedTemporal } from '../stack/servers.js';
import { UNLESS_STOPPED } from '../stack/restart-policy.js';
import { Stack, type ServiceSpec } from '../stack/stack.js';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import { ensureDemoAccounts, printDemoAccounts } from './seed-accounts.js';

async function withRegistry<T>(config: ReturnType<typeof loadConfig>, use: (registry: Registry) => Promise<T>): Promise<T> {
  const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  try {
    return await use(registry);
  } finally {
    await registry.close();
  }
}

const say = (line: string) => console.log(`[stack] ${line}`);

function fail(err: unknown): never {
  const known = err instanceof StackError || err instanceof ConfigError;
  console.error(`[stack] ${known ? (err as Error).message : ((err as Error)?.stack ?? String(err))}`);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (err) {
  fail(err);
}

// The children read the same configuration; an absolute DATA_DIR keeps them on the same folder.
const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: config.dataDir };
const stack = new Stack(config.dataDir, { restart: UNLESS_STOPPED, log: say });
let stopping: Promise<never> | undefined;

function stopAll(code: number, message?: string): Promise<never> {
  stopping ??= (async () => {
    if (message) console.error(`[stack] ${message}`);
    say('stopping...');
    await stack.stop();
    say('stopped.');
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) say('still stopping (each process gets a few seconds, then SIGKILL)...');
    void stopAll(0);
  });
}
stack.onUnexpectedExit((err) => void stopAll(1, err.message));
// Should this process exit any other way (an uncaught error), its children still get SIGTERM.
process.once('exit', () => stack.signalAllNow());

async function main() {
  const servers = embeddedServers(config);
  const build = appsBuild(config.dataDir);
  const apps: ServiceSpec[] = [
    ...workers(childEnv, build, config.instances.worker),
    codecServer(config, childEnv, build),
    ...webInstances(config, childEnv, build, config.instances.web),
  ];

  await stack.preflight([...servers, ...apps]);
  // Built at every start (never older code), alongside the servers' start.
  const buildStarted = performance.now();
  const built = runBuilds(stack, build, childEnv).then(() => {
    say(`workflow bundle and apps built in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);
  });
  if (servers.length > 0) {
    say(`starting ${servers.map((s) => s.name).join(', ')} (data in ${relative(repoRoot, config.dataDir) || '.'}/)...`);
    await Promise.all([stack.start(servers), built]);
  } else {
    await built;
  }
  const demo = config.production ? [] : await withRegistry(config, ensureDemoAccounts);
  say(`starting ${apps.map((s) => s.name).join(', ')}...`);
  await stack.start(apps);

  const logs = `${relative(repoRoot, config.dataDir) || '.'}/logs/`;
  console.log('');
  console.log(`  Portal       ${config.web.publicBaseUrl}`);
  if (usesEmbeddedTemporal(config)) console.log(`  Temporal UI  http://localhost:${config.temporal.uiPort}`);
  else console.log(`  Temporal     ${config.temporal.address} (namespace ${config.temporal.namespace})`);
  if (usesEmbeddedMailpit(config)) console.log(`  Mailpit      http://localhost:${config.smtp.mailpitUiPort}`);
  console.log(`  Logs         ${logs}`);
  console.log('');
  if (demo.length > 0) printDemoAccounts(demo);
  say('ready. Ctrl-C stops everything.');
}

main().catch(async (err: unknown) => {
  if (stopping) return stopping; // a signal or a dying child is already stopping everything
  await stack.stop();
  fail(err);
});
