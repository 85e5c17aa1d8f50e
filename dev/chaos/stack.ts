/**
 * The chaos run's own stack, with the project's stack module: the embedded servers (Temporal dev
 * server on its database file, the registry server, Mailpit, Redis) while the workflow bundle is
 * built, then two workers and two web instances behind the proxy, as `WEB_INSTANCES=2 npm start`
 * runs them, under the same restart policy as `npm start` (a process that dies is brought back
 * with a back-off). The faults act on it by name: kill a process (the stack brings it back), or
 * hold a server down (stopped, so the stack leaves it down) and later bring it back, in a stack of
 * its own, under the same policy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/index.js';
import { appsBuild, runBuilds, webInstances, workers } from '../stack/apps.js';
import { StackError } from '../stack/errors.js';
import type { ManagedProcess } from '../stack/process.js';
import { UNLESS_STOPPED } from '../stack/restart-policy.js';
import { embeddedServers } from '../stack/servers.js';
import { Stack, type ServiceSpec } from '../stack/stack.js';
import { keepAllMail } from '../bench/stack.js';
import { WEB_INSTANCES, WORKER_INSTANCES } from './environment.js';

/** The servers every embedded stack has; the one left is the registry's, whatever it is called. */
const NOT_THE_REGISTRY = new Set(['temporal', 'mailpit', 'redis']);

export function registrySpec(servers: ServiceSpec[]): ServiceSpec {
  const spec = servers.find((s) => !NOT_THE_REGISTRY.has(s.name));
  if (!spec) throw new StackError('no embedded registry server in this configuration (MONGODB_URI set?): the chaos run needs its own');
  return spec;
}

export interface StackEvent {
  atMs: number;
  line: string;
}

export class ChaosStack {
  readonly events: StackEvent[] = [];
  private readonly stacks: Stack[] = [];
  private readonly specs = new Map<string, ServiceSpec>();
  readonly registry: string;
  readonly workers: string[];
  readonly webInstances: string[];
  /** Rejects when a process keeps dying (the restart policy gave up) or one exits that nobody restarts. */
  readonly died: Promise<never>;
  private reject: (err: Error) => void = () => {};

  constructor(
    private readonly dataDir: string,
    private readonly config: Config,
    private readonly env: NodeJS.ProcessEnv,
    private readonly clock: () => number,
  ) {
    this.died = new Promise<never>((_, reject) => (this.reject = reject));
    this.died.catch(() => {}); // observed by whoever races against it
    const servers = embeddedServers(config).map(keepAllMail);
    const build = appsBuild(config.dataDir);
    const apps = [...workers(env, build, WORKER_INSTANCES), ...webInstances(config, env, build, WEB_INSTANCES)];
    for (const spec of [...servers, ...apps]) this.specs.set(spec.name, spec);
    this.registry = registrySpec(servers).name;
    this.workers = apps.filter((s) => s.name.startsWith('worker')).map((s) => s.name);
    this.webInstances = apps.filter((s) => s.name.startsWith('web')).map((s) => s.name);
    if (!servers.some((s) => s.name === 'temporal') || !servers.some((s) => s.name === 'mailpit')) {
      throw new StackError('the chaos run needs its own Temporal dev server and Mailpit (TEMPORAL_ADDRESS and SMTP_HOST on this machine)');
    }
  }

  private newStack(): Stack {
    const stack = new Stack(this.dataDir, {
      restart: UNLESS_STOPPED,
      log: (line) => this.events.push({ atMs: Math.round(this.clock()), line }),
    });
    stack.onUnexpectedExit((err) => this.reject(err));
    this.stacks.push(stack);
    return stack;
  }

  get names(): string[] {
    return [...this.specs.keys()];
  }

  /** Servers while the bundle is built, then the apps. Throws (everything stopped) when anything fails to start. */
  async start(say: (line: string) => void): Promise<void> {
    const stack = this.newStack();
    const all = [...this.specs.values()];
    const servers = all.filter((s) => s.layer === 0);
    const apps = all.filter((s) => s.layer > 0);
    await stack.preflight(all);
    say(`starting ${servers.map((s) => s.name).join(', ')} and building the apps...`);
    await Promise.all([stack.start(servers), runBuilds(stack, appsBuild(this.config.dataDir), this.env)]);
    say(`starting ${apps.map((s) => s.name).join(', ')}...`);
    await stack.start(apps);
  }

  /** The process that runs `name` now (the latest one started, by this stack or a restart). */
  process(name: string): ManagedProcess | undefined {
    const all = this.stacks.flatMap((s) => s.processes).filter((p) => p.name === name);
    return [...all].reverse().find((p) => p.running) ?? all.at(-1);
  }

  /** The pid of every process running now, by name. */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.names) {
      const proc = this.process(name);
      if (proc?.running && proc.pid !== undefined) out[name] = proc.pid;
    }
    return out;
  }

  /** Kills the process group of `name` now; the stack's restart policy brings it back. Returns the pid killed. */
  kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): number {
    const proc = this.process(name);
    if (!proc?.running || proc.pid === undefined) throw new StackError(`${name} is not running`);
    proc.signalGroup(signal);
    return proc.pid;
  }

  /** Waits until `name` runs again in a process other than `oldPid` and answers (or stays up, with nothing to probe). */
  async waitBack(name: string, oldPid: number | undefined, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const spec = this.specs.get(name)!;
    const deadline = Date.now() + timeoutMs;
    let upSince: { pid: number; at: number } | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const proc = this.process(name);
      if (proc?.running && proc.pid !== undefined && proc.pid !== oldPid) {
        if (upSince?.pid !== proc.pid) upSince = { pid: proc.pid, at: Date.now() };
        const ready = spec.probe ? await spec.probe().catch(() => false) : Date.now() - upSince.at >= (spec.settleMs ?? 3_000);
        if (ready) return;
      }
      if (Date.now() >= deadline) throw new StackError(`${name} was not back ${Math.round(timeoutMs / 1000)} s after it went down`);
      await sleep(200);
    }
  }

  /** Stops `name` (SIGTERM, then SIGKILL after its grace period): stopped on purpose, the stack leaves it down. */
  async hold(name: string): Promise<void> {
    const proc = this.process(name);
    if (!proc?.running) throw new StackError(`${name} is not running`);
    await proc.stop(this.specs.get(name)!.stopGraceMs ?? 10_000);
  }

  /** Starts `name` again, on the same data, and waits until it answers. */
  async bringBack(name: string): Promise<void> {
    await this.newStack().start([this.specs.get(name)!]);
  }

  /**
   * Apps before servers; idempotent. The first stack holds every app (a killed app comes back in
   * it); the later ones hold only servers brought back after an outage.
   */
  async stop(): Promise<void> {
    await this.stacks[0]?.stop();
    await Promise.all(this.stacks.slice(1).map((s) => s.stop()));
  }
}
