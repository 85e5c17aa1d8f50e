/**
 * Resident memory of each process of the stack (the bench's /proc reader, dev/bench/rss.ts) before
 * the first fault and after recovery. « Back near its level » means: after ≤ 1.5 × before + 50 MiB
 * (a process killed and restarted is measured in its new life; a server that kept running must
 * have given back what the outage made it hold, within that margin).
 */
import { rssMiB } from '../bench/rss.js';

export const NEAR = { factor: 1.5, plusMiB: 50 } as const;

export type RssSnapshot = Record<string, number | undefined>;

export interface MemoryLine {
  process: string;
  beforeMiB?: number;
  afterMiB?: number;
  /** Restarted (by a fault or the restart policy) between the two measures. */
  restarted: boolean;
  near: boolean | undefined;
}

export function snapshotRss(pids: Record<string, number>): { rss: RssSnapshot; pids: Record<string, number> } {
  return { rss: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)])), pids: { ...pids } };
}

export function compareRss(before: ReturnType<typeof snapshotRss>, after: ReturnType<typeof snapshotRss>, names: string[]): MemoryLine[] {
  return names.map((name) => {
    const beforeMiB = before.rss[name];
    const afterMiB = after.rss[name];
    const near = beforeMiB === undefined || afterMiB === undefined ? undefined : afterMiB <= NEAR.factor * beforeMiB + NEAR.plusMiB;
    return { process: name, beforeMiB, afterMiB, restarted: before.pids[name] !== after.pids[name], near };
  });
}
