/**
 * The project's own processes (the worker from its compiled JavaScript; the web and the codec server
 * with tsx from the repository), and the worker's two builds that precede it.
 */
import { join } from 'node:path';
import { loadConfig, type Config } from '../../config/index.js';
import { compiledWorkerEntry } from '../../worker/compiled.js';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../worker/process-settings.js';
import { repoRoot } from './paths.js';
import { nginxProxy } from './proxy.js';
import type { JobSpec, ServiceSpec } from './stack.js';
import { tcpProbe } from './wait.js';

/** A wildcard listen address is probed on loopback. */
const probeHost = (host: string) => (host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host);

function tsxProcess(name: string, entry: string, env: NodeJS.ProcessEnv, layer: number): ServiceSpec {
  return {
    name,
    // One process per app (no npx/tsx wrapper in between): signals reach it directly.
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    cwd: repoRoot,
    env,
    ports: [],
    layer,
    stopGraceMs: 15_000,
  };
}

/**
 * What a stack builds for its workers, under its own data folder so that stacks running side by side
 * in one checkout never replace each other's: the workflow bundle and the worker's compiled code.
 */
export interface WorkerBuild {
  workflowBundle: string;
  compiled: string;
}

export const workerBuild = (dataDir: string): WorkerBuild => ({
  workflowBundle: join(dataDir, 'build', 'workflow-bundle.js'),
  compiled: join(dataDir, 'build', 'js'),
});

/**
 * The worker's builds, each in a short-lived process of its own (webpack's memory is gone before
 * the worker starts): the workflow bundle, and the worker compiled to JavaScript. Run at every
 * start, so the worker never runs older code.
 */
export function buildJobs(build: WorkerBuild, env: NodeJS.ProcessEnv): JobSpec[] {
  return [
    tsxJob('build-workflows', 'dev/scripts/build-workflows.ts', build.workflowBundle, env),
    tsxJob('build-worker', 'dev/scripts/build-worker.ts', build.compiled, env),
  ];
}

function tsxJob(name: string, script: string, output: string, env: NodeJS.ProcessEnv): JobSpec {
  const { command, args, cwd } = tsxProcess(name, script, env, 0);
  return { name, command, args: [...args, output], cwd, env };
}

/**
 * The worker, from its compiled JavaScript, on the bundle built with it (it refuses one that is
 * missing or stale), with the process settings that keep its memory low (worker/process-settings.ts).
 */
export function worker(env: NodeJS.ProcessEnv, build: WorkerBuild, name = 'worker'): ServiceSpec {
  return {
    name,
    command: process.execPath,
    args: [...WORKER_NODE_FLAGS, compiledWorkerEntry(build.compiled)],
    cwd: repoRoot,
    env: { ...env, ...WORKER_PROCESS_ENV, WORKFLOW_BUNDLE_PATH: build.workflowBundle },
    ports: [],
    layer: 1,
    stopGraceMs: 15_000, // it finishes its in-flight activities
  };
}

/** `count` workers on the same task queue: Temporal shares the work between them. */
export function workers(env: NodeJS.ProcessEnv, build: WorkerBuild, count: number): ServiceSpec[] {
  if (count === 1) return [worker(env, build)];
  return Array.from({ length: count }, (_, i) => worker(env, build, `worker-${i + 1}`));
}

export function web(config: Config, env: NodeJS.ProcessEnv, name = 'web', variable = 'WEB_PORT'): ServiceSpec {
  const { host, port } = config.web;
  return {
    ...tsxProcess(name, 'web/main.ts', env, 2),
    ports: [{ port, variable, host: probeHost(host) }],
    probe: tcpProbe(port, probeHost(host)),
    answersOn: `${probeHost(host)}:${port}`,
    readyTimeoutMs: 60_000,
  };
}

/**
 * The portal's web processes: one on WEB_PORT, or `count` on the ports after it behind a reverse
 * proxy on WEB_PORT (dev/stack/proxy.ts), which they trust for the client's address.
 */
export function webInstances(config: Config, env: NodeJS.ProcessEnv, count: number): ServiceSpec[] {
  if (count === 1) return [web(config, env)];
  const { host, port } = config.web;
  const instances = Array.from({ length: count }, (_, i) => {
    const instanceEnv = { ...env, WEB_PORT: String(port + i + 1), TRUST_PROXY: 'true' };
    return web(loadConfig(instanceEnv), instanceEnv, `web-${i + 1}`, `WEB_PORT (+${i + 1} for instance ${i + 1})`);
  });
  const proxy = nginxProxy({
    dataDir: config.dataDir,
    listen: { host: probeHost(host), port, variable: 'WEB_PORT' },
    upstreams: instances.map((_, i) => ({ host: probeHost(host), port: port + i + 1 })),
  });
  return [...instances, proxy];
}

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
