/**
 * CPU time each process of the stack spends in a phase (/proc/<pid>/stat utime + stime, all its
 * threads), and a snapshot of the machine: what else was using the 2 cores while we measured.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces), 1-based: utime is 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU ms per thread name (comm) of a process: Node's main thread, libuv pool, V8 GC, the SDK's Rust core... */
function threadCpuMs(pid: number): Record<string, number> {
  const byName: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat
        .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        .replace(/\d+$/, '#')
        .trim();
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName[name] = (byName[name] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      // the thread ended
    }
  }
  return byName;
}

/**
 * CPU ms per thread name used between the call and the call of the returned function (threads
 * that ended meanwhile are lost: the SDK's and libuv's threads live as long as the process).
 */
export function threadCpuMeter(pid: number): () => Record<string, number> {
  const before = threadCpuMs(pid);
  return () => {
    const after = threadCpuMs(pid);
    return Object.fromEntries(
      Object.entries(after)
        .map(([name, ms]) => [name, Math.round(ms - (before[name] ?? 0))] as const)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1]),
    );
  };
}

const selfCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export type CpuUse = Record<string, number>;

/** CPU milliseconds used by each process between `start()` and the call of the returned function. */
export function cpuMeter(pids: Record<string, number>): () => CpuUse {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) ?? 0]));
  const selfBefore = selfCpuMs();
  return () => {
    const used: CpuUse = {};
    for (const [name, pid] of Object.entries(pids)) used[name] = Math.round((cpuMs(pid) ?? 0) - before[name]!);
    used['bench driver'] = Math.round(selfCpuMs() - selfBefore);
    return used;
  };
}

export interface MachineState {
  at: string;
  loadAverage: number[];
  freeMemMiB: number;
  /** The busiest processes at that moment (ps), to tell whether something else shared the CPUs. */
  busiest: string[];
}

/** One second of `top` (its second sample: the first counts since boot), else `ps`. */
function busiestProcesses(): { cpuLine?: string; busiest: string[] } {
  try {
    const out = execFileSync('top', ['-b', '-n', '2', '-d', '1', '-o', '%CPU', '-c', '-w', '160'], { encoding: 'utf8', timeout: 10_000 });
    // The second sample (the first counts since boot); its header starts a line with "top - hh:mm:ss".
    const second = (out.split(/^(?=top - \d)/m).at(-1) ?? '').split('\n');
    const header = second.findIndex((line) => /^\s*PID\s/.test(line));
    return {
      cpuLine: second.find((line) => line.startsWith('%Cpu'))?.trim(),
      busiest: second
        .slice(header + 1, header + 9)
        .map((line) => line.trim().replace(/\s+/g, ' '))
        .filter(Boolean),
    };
  } catch {
    try {
      const out = execFileSync('ps', ['-eo', 'pcpu,rss,args', '--sort=-pcpu'], { encoding: 'utf8' });
      return {
        busiest: out
          .split('\n')
          .slice(1, 9)
          .map((line) => line.trim().replace(/\s+/g, ' ').slice(0, 160))
          .filter(Boolean),
      };
    } catch {
      return { busiest: [] }; // neither: the load average says enough
    }
  }
}

export interface MachineState {
  at: string;
  loadAverage: number[];
  freeMemMiB: number;
  /** `top`'s CPU line over one second (us, sy, ni, id...). */
  cpuLine?: string;
  /** The busiest processes over that second, to tell whether something else shared the CPUs. */
  busiest: string[];
}

export function machineState(): MachineState {
  return {
    at: new Date().toISOString(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    freeMemMiB: Math.round(os.freemem() / 2 ** 20),
    ...busiestProcesses(),
  };
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}
