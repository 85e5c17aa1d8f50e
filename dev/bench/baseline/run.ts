/**
 * Phase 2: the baseline's round trips through the Temporal client, C clients at a time: per
 * "citizen", signal-with-start (the RPC the request POST makes), then two updates (as the link
 * GET and the password POST make), each awaited before the next, like a citizen's steps.
 */
import type { Client } from '@temporalio/client';
import { runPool, type PoolResult } from '../pool.js';
import type { Timings } from '../stats.js';
import { BASELINE_TASK_QUEUE, BASELINE_WORKFLOW_TYPE, baselineRequestSignal, baselineStepUpdate } from './definitions.js';

/** The baseline's round trips, named after the renewal steps they stand for. */
export const BASELINE_STEPS = { 'request POST': 'signal-with-start', 'link GET': 'update 1', 'password POST': 'update 2' } as const;

/** Workflow ID of the baseline's i-th run (over all rounds). */
export const baselineWorkflowId = (runId: string, i: number) => `bench-baseline-${runId}-${i}`;

export function runBaseline(
  client: Client,
  runId: string,
  offset: number,
  count: number,
  concurrency: number,
  timings: Timings,
  signal?: AbortSignal,
): Promise<PoolResult> {
  return runPool(
    count,
    concurrency,
    async (i) => {
      const n = offset + i;
      const handle = await timings.time(BASELINE_STEPS['request POST'], () =>
        client.workflow.signalWithStart(BASELINE_WORKFLOW_TYPE, {
          workflowId: baselineWorkflowId(runId, n),
          taskQueue: BASELINE_TASK_QUEUE,
          args: [],
          signal: baselineRequestSignal,
          signalArgs: [{ email: `b${n}@bench.example.org` }],
        }),
      );
      for (const step of [1, 2] as const) {
        const name = step === 1 ? BASELINE_STEPS['link GET'] : BASELINE_STEPS['password POST'];
        const answer = await timings.time(name, () => handle.executeUpdate(baselineStepUpdate, { args: [{ step }] }));
        if (answer.step !== step) throw new Error(`baseline update ${step} answered ${JSON.stringify(answer)}`);
      }
    },
    signal,
  );
}
