import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.js';
import { RUN_HEADER } from './log-tail.js';

export interface ProcessOptions {
  name: string;
  command: string;
  args: string[];
  /** Output (stdout and stderr) is appended here. */
  logFile: string;
  /** Written while the process runs, so that a later start can clean up after a crashed supervisor. */
  pidFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const describeExit = ({ code, signal }: Exit) => (signal ? `was killed by ${signal}` : `exited with code ${code}`);

/** Sends a signal to a whole process group; false when the group no longer exists. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

async function waitGroupGone(pid: number, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (!signalGroup(pid, 0)) return true;
    await sleep(50);
  }
  return !signalGroup(pid, 0);
}

/**
 * A child process in its own process group, its output in a log file. Stopping it sends SIGTERM to
 * the whole group, then SIGKILL to whatever is left after the grace period: nothing it started
 * survives it.
 */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Settles when the process exits, for whatever reason. */
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private stopping = false;
  private readonly pidFile: string;

  private constructor(options: ProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    this.pidFile = options.pidFile;
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = openSync(options.logFile, 'a');
    writeSync(log, `\n${RUN_HEADER} ${new Date().toISOString()} ${options.command} ${options.args.join(' ')}\n`);
    try {
      this.child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', log, log],
        detached: true, // own process group: Ctrl-C reaches the supervisor only, which stops children in order
      });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.once('error', (err) => {
        this.exit = { code: null, signal: null };
        writeLogLine(options.logFile, `failed to start ${options.command}: ${err.message}`);
        resolve(this.exit);
      });
    });
    if (this.child.pid !== undefined) {
      mkdirSync(dirname(this.pidFile), { recursive: true });
      // pid, supervisor pid, and what its command line must show for a later run to recognise it
      const signature = [basename(options.command), options.args.at(-1) ?? ''].map(encodeURIComponent);
      writeFileSync(this.pidFile, `${this.child.pid} ${process.pid} ${signature.join(' ')}\n`);
    }
  }

  /** Starts the process (after stopping a copy of it left running by a supervisor that died). */
  static async start(options: ProcessOptions): Promise<ManagedProcess> {
    await reapLeftover(options.pidFile, options.name);
    return new ManagedProcess(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined && this.child.pid !== undefined;
  }

  get exitDescription(): string | undefined {
    return this.exit && describeExit(this.exit);
  }

  /** True once stop() was called: an exit after that is expected. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Sends a signal to the process group now (no waiting); false when it is gone. */
  signalGroup(signal: NodeJS.Signals): boolean {
    return this.child.pid !== undefined && signalGroup(this.child.pid, signal);
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when no process of the group is left. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (signalGroup(pid, 'SIGTERM')) {
      const gone = await waitGroupGone(pid, Date.now() + graceMs);
      if (!gone) {
        writeLogLine(this.logFile, `still running ${graceMs} ms after SIGTERM: SIGKILL`);
        signalGroup(pid, 'SIGKILL');
        await waitGroupGone(pid, Date.now() + 5_000);
      }
    }
    await Promise.race([this.exited, sleep(1_000)]);
    rmSync(this.pidFile, { force: true });
  }
}

function writeLogLine(logFile: string, line: string) {
  try {
    writeFileSync(logFile, `=== ${new Date().toISOString()} ${line}\n`, { flag: 'a' });
  } catch {
    // the log is best effort
  }
}

/** Whether a process with this pid exists (one of another user's counts). */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

interface PidFileInfo {
  pid: number;
  supervisor: number;
  /** The process still runs the program it was started with. */
  running: boolean;
  /** ...and the supervisor that started it is alive: it belongs to a stack running now. */
  owned: boolean;
}

function inspectPidFile(pidFile: string): PidFileInfo | undefined {
  let content: string;
  try {
    content = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, supervisorText, program, lastArg = ''] = content.trim().split(' ');
  const pid = Number(pidText);
  const supervisor = Number(supervisorText);
  if (!Number.isInteger(pid) || pid <= 1 || !program) return { pid: 0, supervisor: 0, running: false, owned: false };
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // not running any more
  }
  const running = cmdline.includes(decodeURIComponent(program)) && cmdline.includes(decodeURIComponent(lastArg));
  return { pid, supervisor, running, owned: running && supervisor !== process.pid && isAlive(supervisor) };
}

/**
 * Throws when a service of a stack that runs now uses this data folder (its run/ pid files): such a
 * folder must not be wiped or shared.
 */
export function assertDataDirUnused(runDir: string, what: string, remedy: string): void {
  let names: string[];
  try {
    names = readdirSync(runDir).filter((n) => n.endsWith('.pid'));
  } catch {
    return;
  }
  for (const name of names) {
    const info = inspectPidFile(join(runDir, name));
    if (info?.owned) {
      throw new StackError(`${what} is in use by another run (pid ${info.supervisor}): wait for it to end or ${remedy}.`);
    }
  }
}

/**
 * A pid file whose supervisor is dead but whose process still runs the same program is a leftover
 * of a crashed run (e.g. `kill -9` of the supervisor): stop it. A process whose supervisor is alive
 * belongs to a stack that is running now; leave it and fail.
 */
export async function reapLeftover(pidFile: string, name: string): Promise<void> {
  const info = inspectPidFile(pidFile);
  if (!info) return;
  if (info.owned) {
    throw new StackError(
      `${name} is already running (pid ${info.pid}, started by pid ${info.supervisor}) with this data folder: stop that first.`,
    );
  }
  if (info.running) {
    console.warn(`[stack] stopping a ${name} left running by an earlier run (pid ${info.pid})`);
    if (signalGroup(info.pid, 'SIGTERM') && !(await waitGroupGone(info.pid, Date.now() + 10_000))) {
      signalGroup(info.pid, 'SIGKILL');
      await waitGroupGone(info.pid, Date.now() + 5_000);
    }
  }
  rmSync(pidFile, { force: true });
}

/** Fails with the process's log tail when it exits before being stopped. */
export function unexpectedExitError(proc: ManagedProcess, tail: string): StackError {
  return new StackError(`${proc.name} ${proc.exitDescription ?? 'stopped'} unexpectedly.\n${tail}`);
}
