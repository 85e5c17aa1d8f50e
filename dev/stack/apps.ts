/**
 * The project's own processes (the worker, the web, the codec server), each run from its compiled
 * JavaScript, and the two builds that precede them.
 */
import { join } from 'node:path';
import { loadConfig, type Config } from '../../config/index.js';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../worker/process-settings.js';
import { APP_ENTRIES, APP_NODE_FLAGS } from './compiled.js';
import { repoRoot } from './paths.js';
import { nginxProxy } from './proxy.js';
import type { JobSpec, ServiceSpec, Stack } from './stack.js';
import { tcpProbe } from './wait.js';

/** A wildcard listen address is probed on loopback. */
const probeHost = (host: string) => (host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host);

/**
 * What a stack builds before its apps start, under its own data folder so that stacks running side
 * by side in one checkout never replace each other's: the workflow bundle and the apps' JavaScript.
 */
export interface AppsBuild {
  workflowBundle: string;
  compiled: string;
}

export const appsBuild = (dataDir: string): AppsBuild => ({
  workflowBundle: join(dataDir, 'build', 'workflow-bundle.js'),
  compiled: join(dataDir, 'build', 'js'),
});

/** A build script run with tsx in a short-lived process of its own, writing `output`. */
const buildJob = (name: string, script: string, output: string, env: NodeJS.ProcessEnv): JobSpec => ({
  name,
  command: process.execPath,
  args: ['--import', 'tsx', script, output],
  cwd: repoRoot,
  env,
});

/** The apps compiled to JavaScript (dev/stack/compiled.ts), into `outDir`. */
export const compileAppsJob = (outDir: string, env: NodeJS.ProcessEnv) => buildJob('build-apps', 'dev/scripts/build-apps.ts', outDir, env);

/**
 * Both builds, each in its own process (webpack's memory is gone before the worker starts): the
 * workflow bundle and the apps' JavaScript. Run at every start, so that no app runs older code.
 */
export function buildJobs(build: AppsBuild, env: NodeJS.ProcessEnv): JobSpec[] {
  return [buildJob('build-workflows', 'dev/scripts/build-workflows.ts', build.workflowBundle, env), compileAppsJob(build.compiled, env)];
}

/** Runs both builds side by side on `stack`; resolves once both are written. */
export async function runBuilds(stack: Stack, build: AppsBuild, env: NodeJS.ProcessEnv): Promise<void> {
  await Promise.all(buildJobs(build, env).map((job) => stack.run(job)));
}

/** One process per app, node itself running the compiled entry (no wrapper in between): signals reach it directly. */
function compiledApp(
  name: string,
  app: keyof typeof APP_ENTRIES,
  build: AppsBuild,
  env: NodeJS.ProcessEnv,
  layer: number,
  nodeFlags: readonly string[] = [],
): ServiceSpec {
  return {
    name,
    command: process.execPath,
    args: [...nodeFlags, ...APP_NODE_FLAGS, join(build.compiled, APP_ENTRIES[app])],
    cwd: repoRoot,
    env,
    ports: [],
    layer,
    stopGraceMs: 15_000, // a worker finishes its in-flight activities
  };
}

/**
 * The worker, on the bundle built with it (it refuses one that is missing or stale), with the
 * process settings that keep its memory low (worker/process-settings.ts).
 */
export function worker(env: NodeJS.ProcessEnv, build: AppsBuild, name = 'worker'): ServiceSpec {
  const workerEnv = { ...env, ...WORKER_PROCESS_ENV, WORKFLOW_BUNDLE_PATH: build.workflowBundle };
  return compiledApp(name, 'worker', build, workerEnv, 1, WORKER_NODE_FLAGS);
}

/** `count` workers on the same task queue: Temporal shares the work between them. */
export function workers(env: NodeJS.ProcessEnv, build: AppsBuild, count: number): ServiceSpec[] {
  if (count === 1) return [worker(env, build)];
  return Array.from({ length: count }, (_, i) => worker(env, build, `worker-${i + 1}`));
}

export function web(config: Config, env: NodeJS.ProcessEnv, build: AppsBuild, name = 'web', variable = 'WEB_PORT'): ServiceSpec {
  const { host, port } = config.web;
  return {
    ...compiledApp(name, 'web', build, env, 2),
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
export function webInstances(config: Config, env: NodeJS.ProcessEnv, build: AppsBuild, count: number): ServiceSpec[] {
  if (count === 1) return [web(config, env, build)];
  const { host, port } = config.web;
  const instances = Array.from({ length: count }, (_, i) => {
    const instanceEnv = { ...env, WEB_PORT: String(port + i + 1), TRUST_PROXY: 'true' };
    return web(loadConfig(instanceEnv), instanceEnv, build, `web-${i + 1}`, `WEB_PORT (+${i + 1} for instance ${i + 1})`);
  });
  const proxy = nginxProxy({
    dataDir: config.dataDir,
    listen: { host: probeHost(host), port, variable: 'WEB_PORT' },
    upstreams: instances.map((_, i) => ({ host: probeHost(host), port: port + i + 1 })),
  });
  return [...instances, proxy];
}

/** Decodes payloads for the Temporal UI (its --ui-codec-endpoint). */
export function codecServer(config: Config, env: NodeJS.ProcessEnv, build: AppsBuild): ServiceSpec {
  const { host, port } = config.codecServer;
  return {
    ...compiledApp('codec-server', 'codecServer', build, env, 1),
    ports: [{ port, variable: 'CODEC_SERVER_PORT', host: probeHost(host) }],
    probe: tcpProbe(port, probeHost(host)),
    answersOn: `${probeHost(host)}:${port}`,
    readyTimeoutMs: 60_000,
  };
}
