/**
 * Starts a set of services as child processes and stops them all: ports checked before anything
 * starts, each service waited for until it answers, everything stopped when anything fails half-way.
 */
import { StackError } from './errors.js';
import { formatTail } from './log-tail.js';
import { logFileFor, pidFileFor } from './paths.js';
import { assertPortsFree, type PortNeed } from './ports.js';
import { ManagedProcess, reapLeftover, unexpectedExitError } from './process.js';
import { waitStaysUp, waitUntilReady, type Probe } from './wait.js';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ports it listens on, checked free before anything starts. */
  ports: PortNeed[];
  /** Creates its data folder and the like. */
  prepare?: () => void;
  /** Without a probe the service counts as started once it stayed up `settleMs`. */
  probe?: Probe;
  settleMs?: number;
  /** For messages: where it answers. */
  answersOn?: string;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  /** Stop order: higher layers (the apps) stop before lower ones (the servers they use). */
  layer: number;
}

/** A one-shot process (a build) that must succeed before services that need its output start. */
export interface JobSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export type ExitListener = (error: Error, proc: ManagedProcess) => void;

export class Stack {
  private readonly started: { spec: ServiceSpec; proc: ManagedProcess }[] = [];
  private stopping: Promise<void> | undefined;
  private readonly listeners: ExitListener[] = [];
  /** Aborted by stop(): waits in progress give up at once. */
  private readonly stopSignal = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private readonly jobs = new Set<ManagedProcess>();

  constructor(private readonly dataDir: string) {}

  get processes(): ManagedProcess[] {
    return this.started.map((s) => s.proc);
  }

  /** Called once when a service exits without being asked to (the stack is not stopped for you). */
  onUnexpectedExit(listener: ExitListener): void {
    this.listeners.push(listener);
  }

  /**
   * Starts the services together and waits until each answers. Any failure (a port in use, a
   * server that dies or does not answer in time) stops everything this stack started, then throws.
   */
  async start(specs: ServiceSpec[]): Promise<void> {
    if (this.stopping) throw new StackError('the stack is stopping');
    const run = this.startAll(specs);
    this.inflight.add(run);
    try {
      await run;
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      this.inflight.delete(run);
    }
  }

  /**
   * Runs a job to its end, its output in its log like a service's. Throws with its log tail when it
   * fails; stop() ends it if it still runs.
   */
  async run(job: JobSpec): Promise<void> {
    if (this.stopping) throw new StackError('the stack is stopping');
    const proc = await ManagedProcess.start({
      ...job,
      logFile: logFileFor(this.dataDir, job.name),
      pidFile: pidFileFor(this.dataDir, job.name),
    });
    this.jobs.add(proc);
    try {
      if (this.stopping) throw new StackError('the stack is stopping');
      const exit = await proc.exited;
      if (this.stopping) throw new StackError(`stopped while ${job.name} ran`);
      if (exit.code !== 0) throw new StackError(`${job.name} ${proc.exitDescription ?? 'failed'}.\n${formatTail(proc.logFile)}`);
    } finally {
      this.jobs.delete(proc);
      await proc.stop(); // nothing of its group is left; removes its pid file
    }
  }

  /**
   * Before anything starts: stops what a crashed earlier run of these services left running (their
   * pid files), then checks every port.
   */
  async preflight(specs: ServiceSpec[]): Promise<void> {
    for (const spec of specs) await reapLeftover(pidFileFor(this.dataDir, spec.name), spec.name);
    await assertPortsFree(specs.flatMap((s) => s.ports));
  }

  private async startAll(specs: ServiceSpec[]): Promise<void> {
    await this.preflight(specs);
    // The first failure cancels the other waits; all settle before anything is stopped, so that
    // nothing spawns after the stop.
    const failed = new AbortController();
    const signal = AbortSignal.any([failed.signal, this.stopSignal.signal]);
    let firstError: unknown;
    await Promise.allSettled(
      specs.map((spec) =>
        this.startOne(spec, signal).catch((err: unknown) => {
          firstError ??= err;
          failed.abort();
        }),
      ),
    );
    if (firstError) throw firstError;
    if (this.stopSignal.signal.aborted) throw new StackError('stopped while starting');
  }

  private async startOne(spec: ServiceSpec, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    spec.prepare?.();
    const proc = await ManagedProcess.start({
      name: spec.name,
      command: spec.command,
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      logFile: logFileFor(this.dataDir, spec.name),
      pidFile: pidFileFor(this.dataDir, spec.name),
    });
    this.started.push({ spec, proc });
    void proc.exited.then(() => {
      if (proc.isStopping || this.stopping) return;
      const error = unexpectedExitError(proc, formatTail(proc.logFile));
      for (const listener of this.listeners) listener(error, proc);
    });
    if (spec.probe) {
      await waitUntilReady(proc, spec.probe, spec.readyTimeoutMs ?? 30_000, spec.answersOn ?? 'its port', signal);
    } else {
      await waitStaysUp(proc, spec.settleMs ?? 3_000, signal);
    }
  }

  /**
   * Last resort, synchronous (for a process 'exit' listener, when there is no time left for stop()):
   * SIGTERM to every process group still running; each server then shuts down on its own.
   */
  signalAllNow(signal: NodeJS.Signals = 'SIGTERM'): void {
    for (const proc of this.jobs) if (proc.running) proc.signalGroup(signal);
    for (const { proc } of this.started) if (proc.running) proc.signalGroup(signal);
  }

  /** Stops everything started, apps before servers; idempotent, safe to call from any path. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopSignal.abort();
      await Promise.allSettled([...this.inflight]);
      await Promise.all([...this.jobs].map((proc) => proc.stop(5_000)));
      const layers = [...new Set(this.started.map((s) => s.spec.layer))].sort((a, b) => b - a);
      for (const layer of layers) {
        const inLayer = this.started.filter((s) => s.spec.layer === layer);
        await Promise.all(inLayer.map(({ spec, proc }) => proc.stop(spec.stopGraceMs ?? 10_000)));
      }
    })();
    return this.stopping;
  }
}
