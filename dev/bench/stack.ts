/**
 * The bench's own stack, started with the project's stack module: Temporal dev server, the registry server,
 * Mailpit and Redis (while the workflow bundle is built, as `npm start` does), then the renewal worker on
 * that bundle, the web server and the baseline worker as child processes (the real processes are
 * measured). Stopped by `stop()` whatever happens.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: a default import works under plain Node ESM
import type { Config } from '../../config/index.js';
import { appsBuild, runBuilds, web, worker } from '../stack/apps.js';
import { StackError } from '../stack/errors.js';
import { repoRoot } from '../stack/paths.js';
import type { ManagedProcess } from '../stack/process.js';
import { assertDataDirUnused } from '../stack/process.js';
import { embeddedServers } from '../stack/servers.js';
import { type Stack, type ServiceSpec } from '../stack/stack.js';
import { BASELINE_TASK_QUEUE, READY_PORT_VARIABLE } from './baseline/definitions.js';

export interface BenchStack {
  worker: ManagedProcess;
  web: ManagedProcess;
  baselineWorker: ManagedProcess;
  /** Every process of the stack, by name (temporal, registry, mailpit, redis, worker, baseline-worker, web). */
  pids: Record<string, number>;
  /** Rejects when a process of the stack dies before being stopped. */
  died: Promise<never>;
}

function baselineWorker(env: NodeJS.ProcessEnv, readyPort: number): ServiceSpec {
  return {
    name: 'baseline-worker',
    command: process.execPath,
    args: ['--import', 'tsx', 'dev/bench/baseline/worker.ts'],
    cwd: repoRoot,
    env: { ...env, [READY_PORT_VARIABLE]: String(readyPort) },
    ports: [],
    layer: 1,
    stopGraceMs: 15_000,
  };
}

/** Mailpit keeps every message (the hold phase sends one link email per waiting renewal). */
export function keepAllMail(spec: ServiceSpec): ServiceSpec {
  if (spec.name !== 'mailpit') return spec;
  const args = [...spec.args];
  const max = args.indexOf('--max');
  if (max >= 0) args.splice(max, 2);
  return { ...spec, args: [...args, '--max', '0'] };
}

/** Extra dynamic config values for the Temporal dev server (experiments with server settings). */
function withServerConfig(spec: ServiceSpec, values: string[]): ServiceSpec {
  if (spec.name !== 'temporal' || values.length === 0) return spec;
  return { ...spec, args: [...spec.args, ...values.flatMap((v) => ['--dynamic-config-value', v])] };
}

/** `node --cpu-prof`: one profile per thread, written at exit, in a folder per process. */
function withCpuProfile(spec: ServiceSpec, dir: string | undefined): ServiceSpec {
  if (!dir) return spec;
  return { ...spec, args: ['--cpu-prof', `--cpu-prof-dir=${join(dir, spec.name)}`, ...spec.args] };
}

export interface BenchStackOptions {
  /** Where `--cpu-prof` profiles go; none when undefined. */
  profileDir?: string;
  serverConfig: string[];
  /** Where the baseline worker says that a workflow's first task has run (baseline/ready.ts). */
  baselineReadyPort: number;
}

/** Wipes the bench data folder (refused while another run uses it). */
export function wipeDataDir(dataDir: string): void {
  assertDataDirUnused(join(dataDir, 'run'), `The bench data folder ${dataDir}`, 'stop that run first');
  rmSync(dataDir, { recursive: true, force: true });
}

/** Starts the services on `stack` (made by the caller, so that a Ctrl-C during the start can stop it). */
export async function startBenchStack(
  stack: Stack,
  config: Config,
  env: NodeJS.ProcessEnv,
  options: BenchStackOptions,
  say: (line: string) => void,
): Promise<BenchStack> {
  let reject: (err: Error) => void = () => {};
  const died = new Promise<never>((_, r) => (reject = r));
  died.catch(() => {}); // observed by the phases that race against it
  stack.onUnexpectedExit((err) => reject(err));

  const servers = embeddedServers(config).map((spec) => withServerConfig(keepAllMail(spec), options.serverConfig));
  const build = appsBuild(config.dataDir);
  const apps = [worker(env, build), baselineWorker(env, options.baselineReadyPort), web(config, env, build)].map((spec) =>
    withCpuProfile(spec, options.profileDir),
  );
  try {
    say(`starting ${servers.map((s) => s.name).join(', ')} and building the apps...`);
    await Promise.all([stack.start(servers), runBuilds(stack, build, env)]);
    say(`starting ${apps.map((s) => s.name).join(', ')}...`);
    await stack.start(apps);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  const byName = (name: string) => {
    const proc = stack.processes.find((p) => p.name === name);
    if (!proc) throw new StackError(`${name} is not running`);
    return proc;
  };
  const pids = Object.fromEntries(stack.processes.filter((p) => p.pid !== undefined).map((p) => [p.name, p.pid!]));
  return { pids, worker: byName('worker'), web: byName('web'), baselineWorker: byName('baseline-worker'), died };
}

/** Workers bundle their workflows before they poll: waits until each task queue has a poller. */
export async function waitForPollers(client: Client, namespace: string, taskQueues: string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of taskQueues) {
    for (;;) {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if ((pollers ?? []).length > 0) break;
      if (Date.now() >= deadline) throw new StackError(`no worker polls the task queue ${name} after ${timeoutMs / 1000} s (see the logs)`);
      await sleep(250);
    }
  }
}

export const benchTaskQueues = (config: Config) => [config.temporal.taskQueue, BASELINE_TASK_QUEUE];
