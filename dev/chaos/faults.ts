/**
 * Injects the plan's faults into the running stack and records when each began and when the
 * service was back: the outages one after the other, the worker kills on their own track. A kill
 * is a SIGKILL of the process group (the stack's restart policy brings it back); an outage of a
 * server is a stop (SIGTERM, its data kept), then a start on the same data after the planned time;
 * the SMS gateway's is a window of 503 answers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlannedFault } from './schedule.js';
import type { SmsGateway } from './sms-gateway.js';
import type { ChaosStack } from './stack.js';

export interface InjectedFault extends PlannedFault {
  /** Driver clock (ms since the run began): when it was injected, and when the service answered again. */
  startMs?: number;
  endMs?: number;
  /** The pid killed or stopped. */
  pid?: number;
  error?: string;
}

export interface FaultContext {
  stack: ChaosStack;
  sms: SmsGateway;
  clock: () => number;
  /** Driver clock when the drive began: the plan's times count from it. */
  originMs: number;
  /** How long a process may take to be back before the run fails. */
  recoveryTimeoutMs: number;
  say: (line: string) => void;
  signal: AbortSignal;
}

async function waitUntil(ctx: FaultContext, atMs: number) {
  const wait = ctx.originMs + atMs - ctx.clock();
  if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function inject(ctx: FaultContext, fault: InjectedFault): Promise<void> {
  const { stack, sms, signal } = ctx;
  const mark = () => Math.round(ctx.clock());
  fault.startMs = mark();
  switch (fault.kind) {
    case 'worker-kill':
    case 'web-kill': {
      // A process the stack is still bringing back from an earlier fault is waited for first.
      if (!stack.process(fault.target)?.running) await stack.waitBack(fault.target, undefined, ctx.recoveryTimeoutMs, signal);
      fault.startMs = mark();
      fault.pid = stack.kill(fault.target);
      await stack.waitBack(fault.target, fault.pid, ctx.recoveryTimeoutMs, signal);
      break;
    }
    case 'temporal-restart':
    case 'registry-outage':
    case 'mailpit-outage': {
      fault.pid = stack.process(fault.target)?.pid;
      await stack.hold(fault.target);
      await sleep(fault.downMs, undefined, { signal });
      await stack.bringBack(fault.target);
      break;
    }
    case 'sms-outage':
      sms.failFor(fault.downMs);
      await sleep(fault.downMs, undefined, { signal });
      sms.recover();
      break;
  }
  fault.endMs = mark();
}

/**
 * Runs the faults (made from the plan's, filled in as they happen, so that an interrupted run
 * still reports them); resolves when every one is over, rejects with the first that could not recover.
 */
export async function injectFaults(ctx: FaultContext, faults: InjectedFault[]): Promise<void> {
  const run = async (track: InjectedFault[]) => {
    for (const fault of track) {
      await waitUntil(ctx, fault.atMs);
      try {
        await inject(ctx, fault);
        ctx.say(
          `  ${fault.kind} ${fault.target}: down ${seconds(fault.endMs! - fault.startMs!)} (at ${seconds(fault.startMs! - ctx.originMs)})`,
        );
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        fault.error = (err as Error).message;
        fault.endMs ??= Math.round(ctx.clock());
        throw err;
      }
    }
  };
  await Promise.all([run(faults.filter((f) => f.kind === 'worker-kill')), run(faults.filter((f) => f.kind !== 'worker-kill'))]);
}
