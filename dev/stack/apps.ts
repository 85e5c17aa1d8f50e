/**
 * The project's own processes (worker, web, codec server), run with tsx from the repository, and the
 * build of the worker's workflow bundle that precedes the worker.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../worker/process-settings.js';
import { repoRoot } from './paths.js';
import type { JobSpec, ServiceSpec } from './stack.js';
import { tcpProbe } from './wait.js';

/** A wildcard listen address is probed on loopback. */
const probeHost = (host: string) => (host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host);

function tsxProcess(name: string, entry: string, env: NodeJS.ProcessEnv, layer: number, nodeFlags: readonly string[] = []): ServiceSpec {
  return {
    name,
    // One process per app (no npx/tsx wrapper in between): signals reach it directly.
    command: process.execPath,
    args: [...nodeFlags, '--import', 'tsx', entry],
    cwd: repoRoot,
    env,
    ports: [],
    layer,
    stopGraceMs: 15_000, // a worker finishes its in-flight activities
  };
}

/** Where a stack keeps the bundle it builds: under its own data folder, so stacks never share one. */
export const workflowBundleFile = (dataDir: string) => join(dataDir, 'build', 'workflow-bundle.js');

/**
 * Bundles the workflow code into `bundleFile`, in a short-lived process of its own: webpack's memory
 * is gone before the worker starts. Run at every start, so the worker never runs older code.
 */
export function buildWorkflows(bundleFile: string, env: NodeJS.ProcessEnv): JobSpec {
  const { name, command, args, cwd } = tsxProcess('build-workflows', 'dev/scripts/build-workflows.ts', env, 0);
  return { name, command, args: [...args, bundleFile], cwd, env };
}

/**
 * The worker, on the bundle `buildWorkflows` wrote (it refuses one that is missing or stale), with
 * the process settings that keep its memory low (worker/process-settings.ts).
 */
export function worker(env: NodeJS.ProcessEnv, workflowBundle: string): ServiceSpec {
  return tsxProcess(
    'worker',
    'worker/main.ts',
    { ...env, ...WORKER_PROCESS_ENV, WORKFLOW_BUNDLE_PATH: workflowBundle },
    1,
    WORKER_NODE_FLAGS,
  );
}

export function web(config: Config, env: NodeJS.ProcessEnv): ServiceSpec {
  const { host, port } = config.web;
  return {
    ...tsxProcess('web', 'web/main.ts', env, 2),
    ports: [{ port, variable: 'WEB_PORT', host: probeHost(host) }],
    probe: tcpProbe(port, probeHost(host)),
    answersOn: `${probeHost(host)}:${port}`,
    readyTimeoutMs: 60_000,
  };
}

export const hasCodecServer = () => existsSync(join(repoRoot, 'codec', 'server', 'main.ts'));

/** Decodes payloads for the Temporal UI (its --ui-codec-endpoint). */
export function codecServer(config: Config, env: NodeJS.ProcessEnv): ServiceSpec {
  const { host, port } = config.codecServer;
  return {
    ...tsxProcess('codec-server', 'codec/server/main.ts', env, 1),
    ports: [{ port, variable: 'CODEC_SERVER_PORT', host: probeHost(host) }],
    probe: tcpProbe(port, probeHost(host)),
    answersOn: `${probeHost(host)}:${port}`,
    readyTimeoutMs: 60_000,
  };
}
