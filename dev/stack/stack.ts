/**
 * Starts a set of services as child processes and stops them all: ports checked before anything
 * starts, each service waited for until it answers, everything stopped when anything fails half-way.
 * With a restart policy, a service that dies once started is brought back with a back-off.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.js';
import { formatTail } from './log-tail.js';
import { logFileFor, pidFileFor } from './paths.js';
import { assertPortsFree, type PortNeed } from './ports.js';
import { ManagedProcess, reapLeftover, unexpectedExitError } from './process.js';
import { restartDelay, type RestartPolicy } from './restart-policy.js';
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

export interface StackOptions {
  /** Bring back a service that dies after it started; without one, its death is reported at once. */
  restart?: RestartPolicy;
  /** Where the stack says what it does on its own (a restart); silent by default. */
  log?: (line: string) => void;
}

interface Started {
  spec: ServiceSpec;
  /** The current process (a restart replaces it). */
  proc: ManagedProcess;
  /** When it last answered; undefined while it starts. */
  readyAt?: number;
  /** Restarts since it was last healthy. */
  restartsInARow: number;
}

export class Stack {
  private readonly started: Started[] = [];
  private stopping: Promise<void> | undefined;
  private readonly listeners: ExitListener[] = [];
  /** Aborted by stop(): waits in progress give up at once. */
  private readonly stopSignal = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private readonly jobs = new Set<ManagedProcess>();

  constructor(
    private readonly dataDir: string,
    private readonly options: StackOptions = {},
  ) {}

  get processes(): ManagedProcess[] {
    return this.started.map((s) => s.proc);
  }

  /**
   * Called once when a service exits without being asked to, or, under a restart policy, when it
   * crashed too many times in a row (the stack is not stopped for you).
   */
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
    const entry: Started = { spec, proc: await this.spawn(spec), restartsInARow: 0 };
    this.started.push(entry);
    this.watch(entry);
    await this.waitReady(entry, signal);
  }

  private async spawn(spec: ServiceSpec): Promise<ManagedProcess> {
    spec.prepare?.();
    return ManagedProcess.start({
      name: spec.name,
      command: spec.command,
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      logFile: logFileFor(this.dataDir, spec.name),
      pidFile: pidFileFor(this.dataDir, spec.name),
    });
  }

  private async waitReady(entry: Started, signal: AbortSignal): Promise<void> {
    const { spec, proc } = entry;
    if (spec.probe) {
      await waitUntilReady(proc, spec.probe, spec.readyTimeoutMs ?? 30_000, spec.answersOn ?? 'its port', signal);
    } else {
      await waitStaysUp(proc, spec.settleMs ?? 3_000, signal);
    }
    entry.readyAt = Date.now();
  }

  /** On an exit nobody asked for: a restart when the policy allows one, the listeners otherwise. */
  private watch(entry: Started): void {
    const { proc } = entry;
    void proc.exited.then(() => {
      if (proc.isStopping || this.stopping) return;
      const error = unexpectedExitError(proc, formatTail(proc.logFile));
      const policy = this.options.restart;
      if (!policy || entry.readyAt === undefined) return this.report(error, proc); // a start that fails fails the start
      const restart = this.restart(entry, policy, error);
      this.inflight.add(restart);
      void restart.finally(() => this.inflight.delete(restart));
    });
  }

  private report(error: Error, proc: ManagedProcess): void {
    for (const listener of this.listeners) listener(error, proc);
  }

  /**
   * Brings a service back after its back-off wait, tries again (waiting longer) when the new process
   * does not answer, and gives up after the policy's restarts in a row. stop() cancels it.
   */
  private async restart(entry: Started, policy: RestartPolicy, error: Error): Promise<void> {
    const log = this.options.log ?? (() => {});
    const { name } = entry.spec;
    if (entry.readyAt !== undefined && Date.now() - entry.readyAt >= policy.healthyAfterMs) entry.restartsInARow = 0;
    let why = entry.proc.exitDescription ?? 'stopped';
    let lastError = error;
    await entry.proc.stop(2_000); // whatever of its process group survived it, and its pid file
    while (!this.stopping) {
      if (entry.restartsInARow >= policy.maxRestartsInARow) {
        log(`${name} crashed ${entry.restartsInARow} times in a row after restarts: giving up.`);
        return this.report(lastError, entry.proc);
      }
      const delay = restartDelay(policy, entry.restartsInARow);
      entry.restartsInARow++;
      log(`${name} ${why}; restarting it in ${formatSeconds(delay)} (restart ${entry.restartsInARow} in a row).`);
      try {
        await sleep(delay, undefined, { signal: this.stopSignal.signal });
        await assertPortsFree(entry.spec.ports);
        entry.readyAt = undefined;
        entry.proc = await this.spawn(entry.spec);
        await this.waitReady(entry, this.stopSignal.signal);
        log(`${name} is back (pid ${entry.proc.pid}).`);
        return this.watch(entry);
      } catch (err) {
        if (this.stopping) return;
        lastError = err instanceof Error ? err : new StackError(String(err));
        why = `did not come back (${firstLine(lastError.message)})`;
        await entry.proc.stop(2_000);
      }
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
        await Promise.all(inLayer.map((entry) => entry.proc.stop(entry.spec.stopGraceMs ?? 10_000)));
      }
    })();
    return this.stopping;
  }
}

const formatSeconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const firstLine = (text: string) => text.split('\n', 1)[0]!;
