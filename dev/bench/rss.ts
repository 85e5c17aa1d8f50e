/**
 * Resident memory of the stack's processes, from /proc/<pid>/status: VmRSS polled, and VmHWM (the
 * kernel's own peak, exact even between polls), reset at the start of each phase through
 * /proc/<pid>/clear_refs when the kernel allows it.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const KIB = 1024;
const mib = (kib: number) => Math.round((kib * KIB) / (1024 * 1024));

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // the process is gone
  }
}

/** Current RSS in MiB. */
export const rssMiB = (pid: number) => {
  const kib = statusField(pid, 'VmRSS');
  return kib === undefined ? undefined : mib(kib);
};

export interface PeakRss {
  /** Highest VmRSS seen by polling, MiB. */
  polledPeakMiB: number;
  /** The kernel's VmHWM at the end, MiB: the true peak since the reset (or since start when it failed). */
  hwmMiB: number | undefined;
  /** Whether VmHWM was reset at the start of the phase (else it covers the process's whole life). */
  hwmSincePhaseStart: boolean;
  lastMiB: number | undefined;
}

/** Samples a set of processes every `intervalMs` until stopped. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly resets = new Map<string, boolean>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: Record<string, number>,
    intervalMs = 200,
  ) {
    for (const [name, pid] of Object.entries(pids)) {
      let reset = false;
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5'); // 5: reset the peak RSS (Linux ≥ 4.0)
        reset = true;
      } catch {
        // not allowed here: VmHWM then covers the whole life of the process
      }
      this.resets.set(name, reset);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const now = rssMiB(pid);
      if (now !== undefined) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, now));
    }
  }

  stop(): Record<string, PeakRss> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => {
        const hwm = statusField(pid, 'VmHWM');
        return [
          name,
          {
            polledPeakMiB: this.peaks.get(name) ?? 0,
            hwmMiB: hwm === undefined ? undefined : mib(hwm),
            hwmSincePhaseStart: this.resets.get(name) ?? false,
            lastMiB: rssMiB(pid),
          },
        ];
      }),
    );
  }
}
