/**
 * Drives the renewals: each citizen of the plan starts no earlier than its planned time, with at
 * most C of them at a time (the bench's pool), and goes through its journey. Results are kept as
 * they come, so that an interrupted run still reports them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runPool } from '../bench/pool.js';
import { Journey, type ChaosCitizen, type JourneyContext, type JourneyResult } from './journey.js';
import type { CitizenPlan } from './schedule.js';

export interface DriveInputs {
  ctx: JourneyContext;
  citizens: ChaosCitizen[];
  plans: CitizenPlan[];
  concurrency: number;
  /** Driver clock when the drive began: the plan's start times count from it. */
  originMs: number;
  /** Filled in as journeys end. */
  results: JourneyResult[];
  /** Called as each journey ends. */
  progress?: (done: number) => void;
}

export async function drive({ ctx, citizens, plans, concurrency, originMs, results, progress }: DriveInputs): Promise<void> {
  const { wallMs, failures } = await runPool(
    plans.length,
    concurrency,
    async (i) => {
      const plan = plans[i]!;
      const wait = originMs + plan.startAtMs - ctx.log.clock();
      if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
      results.push(await new Journey(ctx, citizens[plan.index]!, plan.kind, plan.readMs).run());
      progress?.(results.length);
    },
    ctx.signal,
  );
  // A journey reports its own failures; what reaches the pool is the driver's (a bug of the driver).
  if (failures.length > 0) throw new Error(`the driver failed on ${failures.length} citizens, e.g. ${failures[0]!.error} (${wallMs} ms)`);
}
